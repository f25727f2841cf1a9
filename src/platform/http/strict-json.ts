import { visit, type JSONPath } from 'jsonc-parser';
import secureJson from 'secure-json-parse';
import { AppError } from '../kernel/errors.js';

/**
 * Parses a request body as strict JSON: a property given twice in one object is refused rather
 * than silently keeping the last, and `__proto__` / `constructor.prototype` keys are refused as
 * Fastify's own parser does.
 */
export function parseStrictJson(text: string): unknown {
  if (text.length === 0)
    throw new AppError('validation', 'REQUEST.EMPTY_BODY', 'The request needs a JSON body.');
  let value: unknown;
  try {
    value = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch {
    throw new AppError('validation', 'REQUEST.MALFORMED_JSON', 'The request body is not valid JSON.');
  }
  const repeated = firstRepeatedProperty(text);
  if (repeated !== undefined) {
    throw new AppError('validation', 'REQUEST.DUPLICATE_PROPERTY', 'The body gives a property twice', [
      { field: repeated, message: 'appears more than once in its object' },
    ]);
  }
  return value;
}

const pointerOf = (path: JSONPath) =>
  path.map((part) => `/${String(part).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function firstRepeatedProperty(text: string): string | undefined {
  const objects: Set<string>[] = [];
  let repeated: string | undefined;
  visit(text, {
    onObjectBegin: () => {
      objects.push(new Set());
    },
    onObjectEnd: () => {
      objects.pop();
    },
    onObjectProperty: (property, _offset, _length, _line, _column, pathOf) => {
      const seen = objects.at(-1);
      if (!seen) return;
      if (seen.has(property)) repeated ??= pointerOf([...pathOf(), property]);
      seen.add(property);
    },
  });
  return repeated;
}
