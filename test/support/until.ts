import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';

export interface UntilOptions {
  readonly timeoutMs?: number;
  /** How long to wait between two looks. */
  readonly everyMs?: number;
  /**
   * A probe that throws has only not seen it yet (a server still starting, assertions on data still
   * arriving); the last error is told if the time runs out. Otherwise a throw ends the wait at once.
   */
  readonly retryOnError?: boolean;
}

/**
 * Waits for what a test cannot be told of: looks with `probe` until it answers something other than
 * `false` or `undefined`, and returns that answer; fails naming `what` once `timeoutMs` has passed.
 * `what` may be a function, to tell what the probe last saw.
 */
export async function until<T>(
  what: string | (() => string),
  probe: () => T | Promise<T>,
  { timeoutMs = 10_000, everyMs = 20, retryOnError = false }: UntilOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const answer = await probe();
      if (answer !== false && answer !== undefined) return answer as Exclude<T, false | undefined>;
      lastError = undefined;
    } catch (error) {
      if (!retryOnError) throw error;
      lastError = error;
    }
    if (Date.now() > deadline) {
      const told = typeof what === 'string' ? what : what();
      const why = lastError === undefined ? '' : `: ${inspect(lastError)}`;
      assert.fail(`${told}: not within ${timeoutMs} ms${why}`);
    }
    await sleep(everyMs);
  }
}
