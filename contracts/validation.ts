import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from 'typebox';

/** The single JSON Schema validator of the project: the same rules on HTTP, on the bus and in tests. */
export const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
addFormatsPlugin.default(ajv);
useCanonicalUuids(ajv);

/**
 * Narrows the `uuid` format to the canonical lower-case text PostgreSQL prints, so that ids compare
 * equal as strings everywhere (the standard format also allows upper case and a `urn:uuid:` prefix).
 */
export function useCanonicalUuids(validator: Ajv): void {
  validator.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

const compiled = new WeakMap<TSchema, ValidateFunction>();

export interface SchemaViolation {
  /** JSON pointer of the failing field, e.g. `/items/0/quantity` (empty for the root). */
  readonly field: string;
  readonly message: string;
}

export function validatorFor(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

export function violationsOf(schema: TSchema, value: unknown): SchemaViolation[] {
  const validate = validatorFor(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(toViolation);
}

export function toViolation(error: ErrorObject): SchemaViolation {
  const missing = error.keyword === 'required' ? `/${String(error.params['missingProperty'])}` : '';
  const extra =
    error.keyword === 'additionalProperties' ? `/${String(error.params['additionalProperty'])}` : '';
  const field = `${error.instancePath}${missing || extra}`;
  const message = extra ? 'is not an allowed property' : (error.message ?? 'is invalid');
  return { field, message };
}
