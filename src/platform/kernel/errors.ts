import type { SchemaViolation } from '../../../contracts/index.js';

export type ErrorCategory = 'validation' | 'not_found' | 'conflict' | 'forbidden' | 'unavailable';

/**
 * An expected failure on the synchronous path, with a namespaced code (`ORDERS.NOT_CANCELLABLE`).
 * Only the HTTP edge turns the category into a status code.
 */
export class AppError extends Error {
  readonly category: ErrorCategory;
  readonly code: string;
  readonly violations: readonly SchemaViolation[];

  constructor(
    category: ErrorCategory,
    code: string,
    message: string,
    violations: readonly SchemaViolation[] = [],
  ) {
    super(message);
    this.name = 'AppError';
    this.category = category;
    this.code = code;
    this.violations = violations;
  }
}

/** A service tried to emit a message its contract does not allow: a bug, never retried into success. */
export class ContractViolation extends Error {
  readonly violations: readonly SchemaViolation[];

  constructor(message: string, violations: readonly SchemaViolation[]) {
    super(
      violations.length
        ? `${message}: ${violations.map((v) => `${v.field || '/'} ${v.message}`).join('; ')}`
        : message,
    );
    this.name = 'ContractViolation';
    this.violations = violations;
  }
}

/** Builds the error factory of one service, so its codes share a namespace. */
export function errorsFor(namespace: string) {
  const make =
    (category: ErrorCategory) => (code: string, message: string, violations?: readonly SchemaViolation[]) =>
      new AppError(category, `${namespace}.${code}`, message, violations);
  return {
    validation: make('validation'),
    notFound: make('not_found'),
    conflict: make('conflict'),
    forbidden: make('forbidden'),
    unavailable: make('unavailable'),
  };
}
