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

/**
 * A request or a message that a service's rules refuse; nothing was changed. Its category decides
 * what the edges make of it: a problem response over HTTP, a dead letter on the bus (`unavailable`:
 * a retry, the state will allow it once what is on its way has arrived).
 */
export class RuleViolation extends AppError {
  override readonly name = 'RuleViolation';
}

/**
 * The rule violations of one service: `rules.conflict('NOT_CANCELLABLE', …)` makes the code
 * `ORDERS.NOT_CANCELLABLE`. A service names its codes in `Code`, so a misspelt one does not compile.
 */
export function ruleViolations<Code extends string = string>(namespace: string) {
  const make =
    (category: ErrorCategory) => (code: Code, message: string, violations?: readonly SchemaViolation[]) =>
      new RuleViolation(category, `${namespace}.${code}`, message, violations);
  return {
    validation: make('validation'),
    notFound: make('not_found'),
    conflict: make('conflict'),
    forbidden: make('forbidden'),
    unavailable: make('unavailable'),
  };
}
