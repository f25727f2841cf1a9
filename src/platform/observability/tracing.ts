import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { ServiceTracerProvider } from './service-tracer-provider.js';
import { markTracingActive } from './spans.js';

export interface TracingOptions {
  /**
   * `service.name` of the spans that belong to none of `services` (the gateway, a host's own
   * routes), unless OTEL_SERVICE_NAME names them.
   */
  readonly processName: string;
  /** The services this process runs: each gets a resource of its own. */
  readonly services: readonly string[];
  /** Export here, at once, instead of where the environment says: for tests. */
  readonly exporter?: SpanExporter;
}

/** The tracing of this process; a no-op when tracing is off. */
export interface Tracing {
  readonly enabled: boolean;
  /** Exports the spans ended so far. */
  flush(): Promise<void>;
  /** Exports what is left and stops. */
  shutdown(): Promise<void>;
}

const off: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };

/**
 * Starts the OpenTelemetry SDK as the standard environment variables say. Off — nothing
 * registered, no exporter, nothing on any hot path but a flag test — when OTEL_SDK_DISABLED=true,
 * OTEL_TRACES_EXPORTER=none or no OTLP endpoint is set. Call it before the first database is opened:
 * the pg instrumentation hooks `require('pg')`.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = process.env;
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return off;
  const exporter = options.exporter ?? otlpExporterFromEnv(env);
  if (!exporter) return off;

  // Batches of OTEL_BSP_SCHEDULE_DELAY (and the other OTEL_BSP_* settings) read by the SDK itself.
  const processor: SpanProcessor = options.exporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME; each service's own name comes last and wins.
  const environment = detectResources({ detectors: [envDetector] });
  const providerFor = (serviceName: string) =>
    // The sampler (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG) is read from the environment here.
    new BasicTracerProvider({
      resource: environment.merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
      // One processor for every provider: one queue and one exporter for the process.
      spanProcessors: [processor],
    });
  const provider = new ServiceTracerProvider(
    providerFor(env['OTEL_SERVICE_NAME'] || options.processName),
    new Map(options.services.map((service) => [service, providerFor(service)])),
  );

  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const unregister = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [new PgInstrumentation({ requireParentSpan: true })],
  });
  markTracingActive(true);

  return {
    enabled: true,
    flush: () => processor.forceFlush(),
    shutdown: async () => {
      markTracingActive(false);
      unregister();
      await processor.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/**
 * The OTLP/HTTP exporter for OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL, or none without an endpoint.
 * The exporter itself reads the endpoint, headers, timeout and compression variables.
 */
function otlpExporterFromEnv(env: NodeJS.ProcessEnv): SpanExporter | undefined {
  const selected = env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase();
  if (selected === 'none') return undefined;
  if (selected && selected !== 'otlp') throw new Error(`OTEL_TRACES_EXPORTER=${selected} is not supported`);
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!endpoint) return undefined;
  const protocol = (
    env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] ||
    env['OTEL_EXPORTER_OTLP_PROTOCOL'] ||
    'http/protobuf'
  ).trim();
  switch (protocol) {
    case 'http/protobuf':
      return new OtlpProtobufExporter();
    case 'http/json':
      return new OtlpJsonExporter();
    default:
      throw new Error(
        `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use http/protobuf or http/json`,
      );
  }
}
