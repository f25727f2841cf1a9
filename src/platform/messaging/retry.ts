export interface RetryPolicy {
  readonly maxDeliveries: number;
  backoffMs(deliveryCount: number): number;
}

export const exponentialBackoff = (options: {
  maxDeliveries: number;
  baseMs: number;
  maxMs: number;
}): RetryPolicy => ({
  maxDeliveries: options.maxDeliveries,
  backoffMs: (deliveryCount) => {
    const exponential = Math.min(options.baseMs * 2 ** (deliveryCount - 1), options.maxMs);
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  },
});

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';

/**
 * A serialization failure or deadlock that outlasted the transaction's own retries: the message is
 * sound and the next delivery may well pass, so it is retried however often it was delivered.
 */
export function isContention(error: unknown): boolean {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
}
