import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { inSpan } from '../../src/platform/observability/spans.js';
import { startTracing, type Tracing } from '../../src/platform/observability/tracing.js';

const otelVariables = [
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
];

describe('tracing as the OTEL_* variables configure it', () => {
  let tracing: Tracing | undefined;
  afterEach(async () => {
    await tracing?.shutdown();
    tracing = undefined;
    for (const name of otelVariables) Reflect.deleteProperty(process.env, name);
  });

  it('is off without an endpoint, and work in a span still runs', async () => {
    tracing = startTracing({ processName: 'test', services: [] });
    assert.equal(tracing.enabled, false);
    assert.equal(await inSpan('work', {}, async () => 42), 42);
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, endpoint or not', () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:9';
    process.env['OTEL_SDK_DISABLED'] = 'true';
    assert.equal(startTracing({ processName: 'test', services: [] }).enabled, false);
    delete process.env['OTEL_SDK_DISABLED'];
    process.env['OTEL_TRACES_EXPORTER'] = 'none';
    assert.equal(startTracing({ processName: 'test', services: [] }).enabled, false);
  });

  it('refuses a protocol it cannot speak rather than exporting nowhere', () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:9';
    process.env['OTEL_EXPORTER_OTLP_PROTOCOL'] = 'grpc';
    assert.throws(() => startTracing({ processName: 'test', services: [] }), /http\/protobuf or http\/json/);
  });

  it('writes the trace and span of the active span into each log line', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = startTracing({ processName: 'test', services: ['OrdersService'], exporter });
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'info' }, sink);
    await inSpan('work', { service: 'OrdersService' }, async () => {
      logger.info('inside');
    });
    logger.info('outside');
    const [span] = exporter.getFinishedSpans();
    assert.ok(span);
    assert.equal(span.resource.attributes['service.name'], 'OrdersService');
    const [inside, outside] = lines;
    assert.ok(inside && outside);
    assert.equal(inside['trace_id'], span.spanContext().traceId);
    assert.equal(inside['span_id'], span.spanContext().spanId);
    assert.equal(outside['trace_id'], undefined);
  });
});
