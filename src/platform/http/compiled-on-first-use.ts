import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { Validator } from '../../../contracts/index.js';

/*
 * Fastify compiles every schema of every route when the app gets ready: a validator per request
 * part, a serializer per response status. That was a quarter of a restart, spent on routes most
 * processes never call. These compile a route's schema when its first request needs it instead.
 */

export function validatorOnFirstUse(compile: () => Validator): Validator {
  const compiled = once(compile);
  const validate: Validator = (value) => {
    const validator = compiled();
    const valid = validator(value);
    validate.errors = validator.errors;
    return valid;
  };
  return validate;
}

/** Fastify's own serializer compiler (fast-json-stringify), run on a response's first use. */
export const serializersOnFirstUse: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    const compiled = once(() => compile(route));
    return (document) => compiled()(document);
  };
};

/** `run` on the first call only: later calls get what it returned, or the error it threw, again. */
function once<T>(run: () => T): () => T {
  let outcome: { readonly value: T } | { readonly error: unknown } | undefined;
  return () => {
    if (!outcome) {
      try {
        outcome = { value: run() };
      } catch (error) {
        outcome = { error };
      }
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  };
}
