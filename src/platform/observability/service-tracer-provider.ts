import {
  context as contextApi,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { serviceIn } from './spans.js';

/**
 * Several services may share a process (the embedded runtime), and a span's resource — which
 * names its service — belongs to the provider that made it. This provider holds one per service
 * and hands each span to the provider of the service the span's context runs for, so that spans
 * of libraries (the pg instrumentation) land in the right service too.
 */
export class ServiceTracerProvider implements TracerProvider {
  readonly #host: TracerProvider;
  readonly #services: ReadonlyMap<string, TracerProvider>;

  constructor(host: TracerProvider, services: ReadonlyMap<string, TracerProvider>) {
    this.#host = host;
    this.#services = services;
  }

  getTracer(name: string, version?: string): Tracer {
    const tracers = new Map<string | undefined, Tracer>();
    return new ServiceTracer((context) => {
      const service = serviceIn(context);
      let tracer = tracers.get(service);
      if (!tracer) {
        tracer = (this.#services.get(service ?? '') ?? this.#host).getTracer(name, version);
        tracers.set(service, tracer);
      }
      return tracer;
    });
  }
}

class ServiceTracer implements Tracer {
  readonly #tracerFor: (context: Context) => Tracer;

  constructor(tracerFor: (context: Context) => Tracer) {
    this.#tracerFor = tracerFor;
  }

  startSpan(name: string, options?: SpanOptions, context = contextApi.active()): Span {
    return this.#tracerFor(context).startSpan(name, options, context);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    context: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    ...args: [F] | [SpanOptions, F] | [SpanOptions, Context, F]
  ): ReturnType<F> {
    const [options, context, fn] =
      args.length === 1
        ? [{}, contextApi.active(), args[0]]
        : args.length === 2
          ? [args[0], contextApi.active(), args[1]]
          : args;
    return this.#tracerFor(context).startActiveSpan(name, options, context, fn);
  }
}
