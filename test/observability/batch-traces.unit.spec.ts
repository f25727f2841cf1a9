import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { childTraceparent } from '../../src/platform/messaging/trace.js';
import {
  currentTraceparent,
  traceparentOfEmitted,
  traceparentOfIssued,
} from '../../src/platform/observability/message-spans.js';
import { contextOf, inSpan } from '../../src/platform/observability/spans.js';
import { startTracing, type Tracing } from '../../src/platform/observability/tracing.js';

const traceOf = (traceparent: string | undefined) => traceparent?.split('-')[1];
const spanOf = (traceparent: string | undefined) => traceparent?.split('-')[2];

describe('work of a batch, which runs in the span of its first message', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  before(() => {
    tracing = startTracing({ processName: 'test', services: ['PaymentService'], exporter });
  });
  after(() => tracing.shutdown());

  const first = childTraceparent();
  const second = childTraceparent();
  const message = { system: 'test', channel: 'payments.events', id: 'm-1', payload: {} };
  const inFirstMessageSpan = <T>(work: () => T) =>
    inSpan('process first', { parent: contextOf({ traceparent: first }) }, async (span) => ({
      working: span.spanContext().spanId,
      result: work(),
    }));

  it('continues each message in its own trace: the first under the working span, the others under their origin', async () => {
    const { working, result } = await inFirstMessageSpan(() => ({
      emittedByFirst: traceparentOfEmitted(message, first),
      emittedBySecond: traceparentOfEmitted(message, second),
      deferredByFirst: currentTraceparent(first),
      deferredBySecond: currentTraceparent(second),
      issuedWithoutOrigin: traceparentOfIssued(undefined),
      issuedInOriginTrace: traceparentOfIssued(first),
    }));
    assert.equal(traceOf(result.emittedByFirst), traceOf(first));
    assert.equal(traceOf(result.emittedBySecond), traceOf(second));
    assert.equal(traceOf(result.deferredByFirst), traceOf(first));
    assert.equal(spanOf(result.deferredByFirst), working, 'deferred from the span at work');
    assert.equal(result.deferredBySecond, second, 'deferred from its own message');
    assert.equal(
      spanOf(result.issuedWithoutOrigin),
      working,
      'a request without a traceparent issues from its span',
    );

    const sends = exporter.getFinishedSpans().filter((span) => span.name === 'send payments.events');
    assert.deepEqual(
      sends.map((span) => [span.spanContext().traceId, span.parentSpanContext?.spanId]),
      [
        [traceOf(first), working],
        [traceOf(second), spanOf(second)],
      ],
    );
  });
});
