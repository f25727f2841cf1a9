import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { FastifyPluginAsync } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { problem, sendRetryLater } from './problem.js';

export interface LoadSheddingOptions {
  /** Mean event-loop delay over the last sample, past which requests are shed. */
  readonly maxEventLoopDelayMs: number;
  /** Requests being answered at once, all clients together. */
  readonly maxInFlight: number;
  /** Requests of one client address being answered at once. */
  readonly maxInFlightPerClient: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    neverShed?: boolean;
  }
}

/** Route config of a route that must answer under any load, such as liveness. */
export const neverShed = { neverShed: true };

const sampleMs = 100;
const quietMs = 10_000;

/**
 * Sheds load rather than queueing it: a request that arrives while the event loop lags, while the
 * server already answers as many requests as it allows, or while its client has as many in flight
 * as it may, is refused at once with `Retry-After`. What is accepted is then answered in time, and
 * liveness probes stay fast.
 */
const shedLoad: FastifyPluginAsync<LoadSheddingOptions> = async (app, options) => {
  const lag = new EventLoopLag();
  app.addHook('onClose', async () => {
    lag.stop();
  });

  const perClient = new Map<string, number>();
  let total = 0;
  app.addHook('onRequest', (request, reply, done) => {
    if (request.routeOptions.config.neverShed) {
      done();
      return;
    }
    lag.watch();
    const client = request.ip;
    const ofClient = perClient.get(client) ?? 0;
    if (lag.meanMs > options.maxEventLoopDelayMs || total >= options.maxInFlight) {
      void sendRetryLater(
        reply,
        request,
        problem(503, 'SERVER.OVERLOADED', 'The server is busy; retry after the delay given.'),
      );
      return;
    }
    if (ofClient >= options.maxInFlightPerClient) {
      void sendRetryLater(
        reply,
        request,
        problem(429, 'CLIENT.TOO_MANY_IN_FLIGHT', 'Too many of your requests are in flight.'),
      );
      return;
    }
    total += 1;
    perClient.set(client, ofClient + 1);
    reply.raw.once('close', () => {
      total -= 1;
      const left = (perClient.get(client) ?? 1) - 1;
      if (left > 0) perClient.set(client, left);
      else perClient.delete(client);
    });
    done();
  });
};
// A named function: fastify-plugin names an anonymous one from a stack trace, which costs a start
// the decoding of the bundle's source map.
export const loadShedding = fastifyPlugin(shedLoad);

/**
 * The mean event-loop delay of the last sample period, measured only while requests come: sampling
 * wakes the process a hundred times a second, which an idle server should not pay for. It stops
 * after a quiet spell of `quietMs`; the first requests after one are judged by their in-flight limits
 * alone until a sample exists.
 */
class EventLoopLag {
  meanMs = 0;
  readonly #histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  #timer: NodeJS.Timeout | undefined;
  #lastRequestAt = 0;

  /** Called on every request: starts measuring if it is not already. */
  watch(): void {
    this.#lastRequestAt = performance.now();
    if (this.#timer) return;
    this.#histogram.reset();
    this.#histogram.enable();
    this.#timer = setInterval(() => {
      // The histogram counts its own resolution in every sample.
      this.meanMs = Math.max(0, this.#histogram.mean / 1e6 - 10);
      this.#histogram.reset();
      if (performance.now() - this.#lastRequestAt > quietMs) this.stop();
    }, sampleMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#histogram.disable();
    this.meanMs = 0;
  }
}
