import { backoffMs } from '../../../platform/kernel/backoff.js';

/** How a provider operation is retried when the provider fails without doing anything. */
export interface RetryPolicy {
  /** Calls to the provider for one operation, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export type NextStep =
  { readonly action: 'retry'; readonly delayMs: number } | { readonly action: 'give_up' };

const delayMs = (policy: RetryPolicy, attemptsMade: number): number =>
  backoffMs(attemptsMade, { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs });

/** After a call the provider certainly did not act on: try again later, or give up after the last attempt. */
export function afterUnavailable(policy: RetryPolicy, attemptsMade: number): NextStep {
  return attemptsMade < policy.maxAttempts
    ? { action: 'retry', delayMs: delayMs(policy, attemptsMade) }
    : { action: 'give_up' };
}

/**
 * After a call whose outcome never arrived: the provider may have acted on it, so the next step is
 * always to ask it what happened — never to call again, and never to give up while in doubt.
 */
export const reconcileDelayMs = (policy: RetryPolicy, lookupsMade: number): number =>
  delayMs(policy, lookupsMade + 1);
