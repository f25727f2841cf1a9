import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { Validator } from '../../../contracts/index.js';

/*
 * Fastify compiles every schema of every route when the app gets ready: a validator per request
 * part, a serializer per response status. That was a quarter of a restart, spent on routes most
 * processes never call. These compile a route's schema when its first request needs it instead.
 */

export function validatorOnFirstUse(compile: () => Validator): Validator {
  let compiled: Validator | undefined;
  const validate: Validator = (value) => {
    compiled ??= compile();
    const valid = compiled(value);
    validate.errors = compiled.errors;
    return valid;
  };
  return validate;
}

/** Fastify's own serializer compiler (fast-json-stringify), run on a response's first use. */
export const serializersOnFirstUse: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options);
  return (route) => {
    let serialize: SerializerSelector.Serializer | undefined;
    return (document) => {
      serialize ??= compile(route);
      return serialize(document);
    };
  };
};
