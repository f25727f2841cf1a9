import { AppError } from '../../../platform/kernel/errors.js';
import { PaymentRuleViolation } from '../domain/index.js';

/** The payment rules' refusals, as the errors the edges understand. Anything else passes through. */
export function asAppError(error: unknown): unknown {
  if (!(error instanceof PaymentRuleViolation)) return error;
  const category =
    error.kind === 'invalid' ? 'validation' : error.kind === 'missing' ? 'not_found' : 'conflict';
  return new AppError(category, error.code, error.message);
}

export async function withPaymentErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asAppError(error);
  }
}
