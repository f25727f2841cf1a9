import type { FastifyRequest } from 'fastify';
import type { IdGenerator } from '../kernel/ids.js';
import type { MessageOrigin } from '../messaging/unit-of-work.js';
import { isTraceparent } from '../messaging/trace.js';

/**
 * Where the messages caused by an HTTP request start: the client may pass its own correlation id
 * (`x-correlation-id`) and W3C `traceparent`; otherwise `correlationId` is used.
 */
export function originOf(request: FastifyRequest, fallbackCorrelationId: string): MessageOrigin {
  const traceparent = request.headers.traceparent;
  const correlation = request.headers['x-correlation-id'];
  return {
    correlationId:
      typeof correlation === 'string' && correlation.length > 0 && correlation.length <= 100
        ? correlation
        : fallbackCorrelationId,
    ...(isTraceparent(traceparent) ? { traceparent } : {}),
  };
}

export const newOrigin = (request: FastifyRequest, ids: IdGenerator): MessageOrigin =>
  originOf(request, ids.next());
