import { Ajv, _, str, type ErrorObject, type KeywordCxt, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import type { TSchema } from 'typebox';

/** The single JSON Schema validator of the project: the same rules on HTTP, on the bus and in tests. */
export const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
addFormatsPlugin.default(ajv);
useInputPolicy(ajv);

/** The same rules, stopping at the first error: for values too large to list all their errors cheaply. */
const firstErrorAjv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, useDefaults: false });
addFormatsPlugin.default(firstErrorAjv);
useInputPolicy(firstErrorAjv);

/** Values with more parts than this are checked up to their first error only. */
const maxValuesForAllErrors = 1_000;

/** A validation answer lists at most this many errors: a hostile body cannot make it grow with its size. */
export const maxListedErrors = 20;

/**
 * The rules of the input policy that a validator must know about: canonical uuids, and the
 * `minorUnits` keyword that money schemas carry.
 */
export function useInputPolicy(validator: Ajv): void {
  useCanonicalUuids(validator);
  validator.addKeyword({
    keyword: 'minorUnits',
    type: 'number',
    schemaType: 'number',
    // The decimal text rounded to that many places must be the number itself: 19.99 passes, 1.0000000001 does not.
    code: (cxt: KeywordCxt) => {
      const places = cxt.schema as number;
      cxt.fail(_`Number(${cxt.data}.toFixed(${places})) !== ${cxt.data}`);
    },
    error: {
      message: ({ schema }) => str`must have at most ${String(schema)} decimal places`,
      params: ({ schema }) => _`{minorUnits: ${schema as number}}`,
    },
  });
}

/**
 * Narrows the `uuid` format to the canonical lower-case text PostgreSQL prints, so that ids compare
 * equal as strings everywhere (the standard format also allows upper case and a `urn:uuid:` prefix).
 */
export function useCanonicalUuids(validator: Ajv): void {
  validator.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

/** A validate function in Ajv's shape: true, or false with `errors`. */
export interface Validator {
  (value: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const compiled = new WeakMap<TSchema, Validator>();

export interface SchemaViolation {
  /** JSON pointer of the failing field, e.g. `/items/0/quantity` (empty for the root). */
  readonly field: string;
  readonly message: string;
}

export function validatorFor(schema: TSchema): Validator {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = withInputPolicy(ajv.compile(schema), firstErrorAjv.compile(schema));
    compiled.set(schema, validate);
  }
  return validate;
}

/**
 * Adds the rules no schema keyword can apply to every string: text (values and property names
 * alike, wherever they are, including free-form data) must be well-formed Unicode without NUL,
 * which PostgreSQL cannot store. Caps the errors listed, and the work spent finding them: a large
 * value is checked by `firstError` when given.
 */
export function withInputPolicy(allErrors: ValidateFunction, firstError?: ValidateFunction): Validator {
  const guarded: Validator = (value) => {
    const { errors: textErrors, values } = inspectText(value);
    const validate = firstError && values > maxValuesForAllErrors ? firstError : allErrors;
    const valid = validate(value);
    const errors = [...textErrors, ...(valid ? [] : (validate.errors ?? []))].slice(0, maxListedErrors);
    guarded.errors = errors.length > 0 ? errors : null;
    return errors.length === 0;
  };
  return guarded;
}

/** True when some text in the value (or a property name) is not storable: a NUL or a lone surrogate. */
export const hasUnstorableText = (value: unknown): boolean => inspectText(value).errors.length > 0;

export function violationsOf(schema: TSchema, value: unknown): SchemaViolation[] {
  const validate = validatorFor(schema);
  return validate(value) ? [] : (validate.errors ?? []).map(toViolation);
}

export function toViolation(error: ErrorObject): SchemaViolation {
  const missing = error.keyword === 'required' ? `/${String(error.params['missingProperty'])}` : '';
  const extra =
    error.keyword === 'additionalProperties' ? `/${String(error.params['additionalProperty'])}` : '';
  const field = printable(`${error.instancePath}${missing || extra}`);
  const message = extra ? 'is not an allowed property' : (error.message ?? 'is invalid');
  return { field, message };
}

// A NUL, or half of a surrogate pair without its other half.
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorableAll = new RegExp(unstorable.source, 'g');

/** Text made safe to echo, log or store: each unstorable code unit becomes U+FFFD. */
export const printable = (text: string): string => text.replace(unstorableAll, '\ufffd');

const pointerPart = (key: string | number) => String(key).replace(/~/g, '~0').replace(/\//g, '~1');

/** The text errors of a value, and how many values (strings, numbers, arrays...) it holds. */
function inspectText(root: unknown): { errors: ErrorObject[]; values: number } {
  const errors: ErrorObject[] = [];
  let values = 0;
  const pending: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    values += 1;
    if (typeof value === 'string') {
      if (unstorable.test(value) && errors.length < maxListedErrors)
        errors.push(textError(path, 'must be well-formed Unicode text without NUL'));
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push({ value: item, path: `${path}/${index}` }));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const itemPath = `${path}/${pointerPart(key)}`;
        if (unstorable.test(key) && errors.length < maxListedErrors)
          errors.push(textError(itemPath, 'must be a property name of well-formed Unicode without NUL'));
        pending.push({ value: item, path: itemPath });
      }
    }
  }
  return { errors, values };
}

const textError = (instancePath: string, message: string): ErrorObject => ({
  instancePath,
  schemaPath: '#/inputPolicy',
  keyword: 'inputPolicy',
  params: {},
  message,
});
