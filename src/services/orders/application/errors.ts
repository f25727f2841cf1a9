import { AppError } from '../../../platform/kernel/errors.js';
import { OrderRuleViolation } from '../domain/index.js';

/** The order rules' refusals, as the errors the edges understand. Anything else passes through. */
export function asAppError(error: unknown): unknown {
  if (!(error instanceof OrderRuleViolation)) return error;
  const category =
    error.kind === 'invalid' ? 'validation' : error.kind === 'missing' ? 'not_found' : 'conflict';
  return new AppError(
    category,
    error.code,
    error.message,
    error.field ? [{ field: error.field, message: error.message }] : [],
  );
}

export async function withOrderErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asAppError(error);
  }
}
