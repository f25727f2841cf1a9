import { AppError, errorsFor } from '../../../platform/kernel/errors.js';
import { SubscriptionRuleViolation } from '../domain/index.js';

export const subscriptionErrors = errorsFor('SUBSCRIPTIONS');

/**
 * The lifecycle's refusals, as the errors the edges understand: `not_yet` is worth retrying
 * (`unavailable`), the others are not. Anything else passes through.
 */
export function asAppError(error: unknown): unknown {
  if (!(error instanceof SubscriptionRuleViolation)) return error;
  const category =
    error.kind === 'missing' ? 'not_found' : error.kind === 'not_yet' ? 'unavailable' : 'conflict';
  return new AppError(category, error.code, error.message);
}

export async function withSubscriptionErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asAppError(error);
  }
}
