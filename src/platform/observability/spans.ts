import {
  ROOT_CONTEXT,
  SpanStatusCode,
  context as contextApi,
  createContextKey,
  propagation,
  trace,
  type Context,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';

const TRACER_NAME = 'orders-domain';
const serviceKey = createContextKey('orders-domain.service');

let active = false;

/** Set by `startTracing`: while false, the helpers below run the work and nothing else. */
export function markTracingActive(value: boolean): void {
  active = value;
}

export const tracingActive = (): boolean => active;

/** The service a context runs for, which names the resource of the spans started in it. */
export const serviceIn = (context: Context): string | undefined =>
  context.getValue(serviceKey) as string | undefined;

export interface InSpanOptions extends SpanOptions {
  /** The service the span and its children belong to; by default the one of the parent context. */
  readonly service?: string;
  /** The parent; by default the active context. */
  readonly parent?: Context;
}

const nothingRecorded = trace.wrapSpanContext({ traceId: '', spanId: '', traceFlags: 0 });

/**
 * Runs `work` in a new active span, which records the error `work` throws and ends when it
 * settles. With tracing off, runs `work` alone (its span records nothing).
 */
export async function inSpan<T>(
  name: string,
  options: InSpanOptions,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!active) return work(nothingRecorded);
  const { service, parent, ...spanOptions } = options;
  const base = parent ?? contextApi.active();
  const context = service === undefined ? base : base.setValue(serviceKey, service);
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, spanOptions, context, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Starts a span the caller ends, for work that does not run inside one function call. */
export function startSpan(name: string, options: InSpanOptions): { span: Span; context: Context } {
  const { service, parent, ...spanOptions } = options;
  const base = parent ?? contextApi.active();
  const context = service === undefined ? base : base.setValue(serviceKey, service);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, spanOptions, context);
  return { span, context: trace.setSpan(context, span) };
}

export function recordFailure(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** The context a W3C `traceparent` (from an envelope or a header) continues. */
export function contextOf(carrier: Readonly<Record<string, unknown>>): Context {
  return propagation.extract(ROOT_CONTEXT, carrier, {
    keys: (headers) => Object.keys(headers),
    get: (headers, key) => {
      const value = headers[key];
      return typeof value === 'string' ? value : undefined;
    },
  });
}

/** The `traceparent` of a span, to carry to the work it causes. */
export function traceparentOf(context: Context): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context, carrier);
  return carrier['traceparent'];
}

/** The ids of the aggregates a payload is about, as span attributes. */
export function aggregateAttributes(payload: unknown): Record<string, string> {
  if (typeof payload !== 'object' || payload === null) return {};
  const { orderId, subscriptionId } = payload as { orderId?: unknown; subscriptionId?: unknown };
  return {
    ...(typeof orderId === 'string' ? { 'order.id': orderId } : {}),
    ...(typeof subscriptionId === 'string' ? { 'subscription.id': subscriptionId } : {}),
  };
}
