import type { FastifyRequest } from 'fastify';
import type { IdGenerator } from '../kernel/ids.js';
import type { MessageOrigin } from '../messaging/unit-of-work.js';
import { isTraceparent } from '../messaging/trace.js';

/**
 * Where the messages caused by an HTTP request start: the flow's own correlation id, the client's
 * W3C `traceparent` when it sends one, and the authenticated caller as the actor. A client's
 * `x-correlation-id` is never the correlation: it would let anyone file messages into another
 * customer's order. Trace with `traceparent` instead.
 */
export function originOf(request: FastifyRequest, correlationId: string): MessageOrigin {
  const traceparent = request.headers.traceparent;
  const caller = request.access?.principal;
  return {
    correlationId,
    ...(isTraceparent(traceparent) ? { traceparent } : {}),
    ...(caller ? { actor: { id: caller.subject, role: caller.role } } : {}),
  };
}

export const newOrigin = (request: FastifyRequest, ids: IdGenerator): MessageOrigin =>
  originOf(request, ids.next());
