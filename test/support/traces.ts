import assert from 'node:assert/strict';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A span as a collector sees it, whether it came from the in-memory exporter or over OTLP. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** `service.name` of the span's resource. */
  readonly service: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startNanos: bigint;
  readonly endNanos: bigint;
  readonly attributes: Readonly<Record<string, unknown>>;
}

const nanos = ([seconds, fraction]: readonly [number, number]) =>
  BigInt(seconds) * 1_000_000_000n + BigInt(fraction);

export function receivedFromSdk(span: ReadableSpan): ReceivedSpan {
  return {
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    service: String(span.resource.attributes['service.name']),
    kind: span.kind + 1,
    startNanos: nanos(span.startTime),
    endNanos: nanos(span.endTime),
    attributes: span.attributes,
  };
}

/**
 * Checks that an order's spans form one trace: its root is the request that placed the order, it
 * holds spans of at least `minServices` services, and every span reaches the root through parents
 * that are in the trace — the last handler run included. Returns that trace's spans.
 */
export function assertOneTraceForOrder(
  spans: readonly ReceivedSpan[],
  orderId: string,
  expected: { readonly rootService: string; readonly minServices: number },
): ReceivedSpan[] {
  // Reading the order (GET /orders/:id) is a trace of its own; what the order caused is one.
  const caused = spans.filter(
    (span) =>
      span.attributes['order.id'] === orderId &&
      !(span.kind === 2 && span.attributes['http.request.method'] === 'GET'),
  );
  const traceIds = new Set(caused.map((span) => span.traceId));
  assert.equal(traceIds.size, 1, `spans tagged with the order belong to ${traceIds.size} traces`);
  const [traceId] = traceIds;
  const trace = spans.filter((span) => span.traceId === traceId);
  const byId = new Map(trace.map((span) => [span.spanId, span]));

  const roots = trace.filter((span) => span.parentSpanId === undefined);
  assert.equal(roots.length, 1, `one root, got ${roots.map((span) => span.name).join(', ')}`);
  const [root] = roots;
  assert.equal(root?.kind, 2, 'the root is the server span of the request');
  assert.equal(root.service, expected.rootService);
  assert.equal(root.attributes['http.request.method'], 'POST');
  assert.equal(root.attributes['url.path'], '/orders');

  for (const span of trace) {
    const seen = new Set<string>();
    let current: ReceivedSpan = span;
    while (current.parentSpanId !== undefined) {
      assert.ok(!seen.has(current.spanId), 'parent links form no cycle');
      seen.add(current.spanId);
      const parent = byId.get(current.parentSpanId);
      assert.ok(parent, `the parent of ${current.name} (${current.service}) is in the trace`);
      current = parent;
    }
    assert.equal(current, root, `${span.name} reaches the request`);
  }

  // Each handler run continues the span that sent its message: the envelope's traceparent.
  const handlerRuns = trace.filter((span) => span.kind === 5);
  assert.ok(handlerRuns.length > 0, 'the trace holds handler runs');
  for (const run of handlerRuns) {
    const sent = byId.get(run.parentSpanId ?? '');
    assert.equal(sent?.kind, 4, `${run.name} continues a producer span`);
    assert.equal(sent.attributes['messaging.message.id'], run.attributes['messaging.message.id']);
  }
  const services = new Set(trace.map((span) => span.service));
  assert.ok(
    services.size >= expected.minServices,
    `spans of ${[...services].join(', ')}: at least ${expected.minServices} services`,
  );
  return trace;
}
