export interface Backoff {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** Exponential back-off: `baseMs` before the 2nd attempt, twice that before the 3rd, … capped at `maxMs`. */
export const backoffMs = (attemptsMade: number, { baseMs, maxMs }: Backoff): number =>
  Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), maxMs);
