import { randomBytes } from 'node:crypto';

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The trace id of a W3C `traceparent` (`version-traceid-spanid-flags`); undefined when it is not one. */
export const traceIdOf = (traceparent: string): string | undefined =>
  traceparentPattern.exec(traceparent)?.[1];

/** A W3C traceparent continuing `parent`'s trace with a new span, or starting a new sampled trace. */
export function childTraceparent(parent?: string): string {
  const match = parent ? traceparentPattern.exec(parent) : null;
  const traceId = match?.[1] ?? randomBytes(16).toString('hex');
  const flags = match?.[3] ?? '01';
  return `00-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}

export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && traceparentPattern.test(value);
}
