import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  readonly timeoutMs?: number;
  /** How long to wait between two looks. */
  readonly everyMs?: number;
}

/**
 * Waits for what a test cannot be told of: looks with `probe` until it answers something other than
 * `false` or `undefined`, and returns that answer; fails naming `what` once `timeoutMs` has passed.
 */
export async function until<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, everyMs = 20 }: UntilOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== false && answer !== undefined) return answer as Exclude<T, false | undefined>;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
