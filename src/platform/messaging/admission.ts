import semver from 'semver';
import {
  Envelope as EnvelopeSchema,
  violationsOf,
  type Envelope,
  type SchemaViolation,
} from '../../../contracts/index.js';
import type { MessageHandler } from './handler.js';

export type Admission = { admitted: true; payload: unknown } | { admitted: false; reason: string };

/** A message a handler may take: a valid envelope of its type, of an accepted or upcast version, with a valid payload. */
export function admitMessage(handler: MessageHandler, range: string, envelope: Envelope): Admission {
  const envelopeViolations = violationsOf(EnvelopeSchema, envelope);
  if (envelopeViolations.length > 0)
    return { admitted: false, reason: describe('invalid envelope', envelopeViolations) };
  const { contract } = handler;
  if (envelope.type !== contract.id) {
    return {
      admitted: false,
      reason: `unexpected message type ${envelope.type} on the ${contract.id} consumer`,
    };
  }
  let payload: unknown = envelope.data;
  if (!semver.satisfies(envelope.dataversion, range)) {
    const upcaster = handler.upcasters?.find((candidate) =>
      semver.satisfies(envelope.dataversion, candidate.from),
    );
    if (!upcaster) {
      return {
        admitted: false,
        reason: `${contract.id} version ${envelope.dataversion} is outside the accepted range ${range} and no upcaster reads it`,
      };
    }
    payload = upcaster.upcast(payload);
  }
  const violations = violationsOf(contract.schema, payload);
  if (violations.length > 0)
    return { admitted: false, reason: describe(`invalid ${contract.id} payload`, violations) };
  return { admitted: true, payload };
}

/** An observer takes any valid envelope, whatever its type and version. */
export function admitObserved(envelope: Envelope): Admission {
  const violations = violationsOf(EnvelopeSchema, envelope);
  return violations.length
    ? { admitted: false, reason: describe('invalid envelope', violations) }
    : { admitted: true, payload: envelope.data };
}

function describe(what: string, violations: readonly SchemaViolation[]): string {
  return `${what}: ${violations.map((violation) => `${violation.field || '/'} ${violation.message}`).join('; ')}`;
}
