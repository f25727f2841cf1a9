import { SpanKind, SpanStatusCode, context as contextApi, type Context, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
} from '@opentelemetry/semantic-conventions';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { aggregateAttributes, contextOf, startSpan, traceparentOf, tracingActive } from './spans.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The service whose routes these are: it names the resource of their spans. */
    tracedService?: string;
  }
}

const requestSpans = new WeakMap<object, { span: Span; context: Context }>();

/**
 * A server span for every request of the app and its plugins, continuing the caller's `traceparent`,
 * and active from the first `preHandler` hook on, so that what a handler does is its child.
 */
const traceRequests: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', (request, _reply, done) => {
    if (!tracingActive()) {
      done();
      return;
    }
    const route = request.routeOptions.url;
    const traced = startSpan(route ? `${request.method} ${route}` : request.method, {
      kind: SpanKind.SERVER,
      parent: contextOf(request.headers),
      ...(request.routeOptions.config.tracedService
        ? { service: request.routeOptions.config.tracedService }
        : {}),
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: request.method,
        [ATTR_URL_PATH]: request.url.split('?')[0] ?? '',
        ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}),
      },
    });
    requestSpans.set(request, traced);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    const traced = requestSpans.get(request);
    if (traced) contextApi.with(traced.context, done);
    else done();
  });
  app.addHook('onError', (request, _reply, error, done) => {
    requestSpans.get(request)?.span.recordException(error);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const traced = requestSpans.get(request);
    if (traced) {
      const { span } = traced;
      span.setAttributes({
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: reply.statusCode,
        ...aggregateAttributes(request.params),
      });
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
};
// Named functions, like every plugin here: fastify-plugin names an anonymous one from a stack trace.
export const requestTracing = fastifyPlugin(traceRequests);

/** Tags the routes declared after it, in the scope it is registered in, as `service`'s. */
export const routesOf = (service: string): FastifyPluginAsync => {
  const tagRoutes: FastifyPluginAsync = async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, tracedService: service };
    });
  };
  return fastifyPlugin(tagRoutes);
};

/** The headers that carry a request's trace to the upstream it is forwarded to. */
export function traceHeadersOf(request: object): Record<string, string> {
  const traced = requestSpans.get(request);
  const traceparent = traced && traceparentOf(traced.context);
  return traceparent ? { traceparent } : {};
}
