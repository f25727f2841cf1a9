import httpProxy from '@fastify/http-proxy';
import Fastify, { LogController, type FastifyRequest } from 'fastify';
import { edgeOptions, refuseConnect, useStrictJson } from '../../platform/http/edge.js';
import { problem, sendProblem, toProblem } from '../../platform/http/problem.js';
import { AppError } from '../../platform/kernel/errors.js';
import type { Logger } from '../../platform/kernel/logger.js';
import { requestTracing, traceHeadersOf } from '../../platform/observability/http-spans.js';
import { consoleRoutes } from '../console/plugin.js';
import { UpstreamPool } from './upstream-pool.js';

/** A service behind the gateway: its HTTP routes live under `/<name>`. */
export interface GatewayRoute {
  /** The service's short name, also its path prefix: `orders` serves `/orders/...`. */
  readonly name: string;
  /** The service id the admin routes use, e.g. `InventoryService`. */
  readonly serviceId: string;
  readonly upstreams: readonly string[];
}

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly healthCheckMs: number;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
}

type ProxyReply = Parameters<NonNullable<Parameters<typeof httpProxy>[1]['handler']>>[1];
type ProxyReplyOptions = Parameters<NonNullable<Parameters<typeof httpProxy>[1]['handler']>>[3];

const UPSTREAM_TIMEOUT_MS = 10_000;

/**
 * The HTTP API in front of the services when each runs in its own processes: every path prefix goes
 * to its service's replicas, and the operations console (`/admin/dead-letters`, `/admin/backlog`)
 * answers for the whole domain as the embedded host does.
 */
export async function buildGateway(options: GatewayOptions) {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ...edgeOptions,
  });
  refuseConnect(app.server);
  useStrictJson(app);
  await app.register(requestTracing);
  app.setErrorHandler((error, request, reply) =>
    error instanceof UpstreamRefused
      ? reply.status(error.status).headers(error.headers).send(error.body)
      : sendProblem(reply, request, toProblem(error as Error)),
  );
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, problem(404, 'ROUTE.NOT_FOUND', `No route ${request.method} ${request.url}`)),
  );

  const pools = options.routes.map((route) => ({
    route,
    pool: new UpstreamPool(route.name, route.upstreams, options.healthCheckMs),
  }));
  for (const { route, pool } of pools) {
    pool.start();
    const proxyTo = async (prefix: string) => {
      await app.register(httpProxy, {
        // No fixed upstream: with one, reply-from's undici transport sends every request there,
        // whatever `getUpstream` picks. The handler picks the replica, and the next on refusal.
        upstream: '',
        prefix,
        rewritePrefix: prefix,
        // Parsed here rather than streamed through, so that the body can be sent again.
        proxyPayloads: false,
        disableRequestLogging: true,
        replyOptions: {
          timeout: UPSTREAM_TIMEOUT_MS,
          getUpstream: () => route.upstreams[0] ?? '',
          rewriteRequestHeaders: (request, headers) => ({ ...headers, ...traceHeadersOf(request) }),
        },
        handler: (request, reply, dest, replyOptions) => {
          forward(pool, request, reply, dest, replyOptions, pool.candidates());
        },
      });
    };
    await proxyTo(`/${route.name}`);
    await proxyTo(`/admin/dead-letters/${route.serviceId}`);
  }
  app.addHook('onClose', async () => {
    for (const { pool } of pools) pool.stop();
  });

  await app.register(consoleRoutes);
  app.get('/health', () => ({ status: 'ok' }));
  app.get('/ready', async (_request, reply) => {
    const checks = Object.fromEntries(
      pools.map(({ route, pool }) => [route.name, pool.anyHealthy ? 'ok' : 'no replica answers']),
    );
    const ready = Object.values(checks).every((check) => check === 'ok');
    return reply.status(ready ? 200 : 503).send({ ready, checks });
  });
  // The services authenticate and authorize: the caller's token goes with each question.
  app.get('/admin/dead-letters', async (request) => {
    const answers = await Promise.all(
      pools.map(({ pool }) =>
        askAny<{ deadLetters: unknown[] }>(pool, request.url, request.headers.authorization),
      ),
    );
    return { deadLetters: answers.flatMap((answer) => answer.deadLetters) };
  });
  app.get('/admin/backlog', async (request) => {
    const answers = await Promise.all(
      pools.map(
        async ({ route, pool }) =>
          [route.name, await askAny<Backlog>(pool, '/admin/backlog', request.headers.authorization)] as const,
      ),
    );
    return {
      drained: answers.every(([, backlog]) => backlog.drained),
      services: Object.fromEntries(answers),
    };
  });
  return app;
}

interface Backlog {
  readonly drained: boolean;
}

function forward(
  pool: UpstreamPool,
  request: FastifyRequest,
  reply: ProxyReply,
  dest: string,
  replyOptions: ProxyReplyOptions,
  [upstream, ...others]: string[],
): void {
  if (upstream === undefined) {
    void sendProblem(
      reply,
      request,
      problem(503, 'GATEWAY.NO_REPLICA', `No ${pool.service} replica answers`),
    );
    return;
  }
  reply.from(dest, {
    ...replyOptions,
    getUpstream: () => upstream,
    onError: (_reply, { error }) => {
      // A refused connection never reached the service, so any request may go to the next replica.
      if (!refusedConnection(error)) {
        void sendProblem(
          reply,
          request,
          problem(502, 'GATEWAY.UPSTREAM_FAILED', `${pool.service} did not answer: ${error.message}`),
        );
        return;
      }
      pool.markDown(upstream);
      forward(pool, request, reply, dest, replyOptions, others);
    },
  });
}

function refusedConnection(error: Error): boolean {
  const { cause } = error as { cause?: { code?: unknown } };
  return cause?.code === 'ECONNREFUSED';
}

/** A service refused the caller (401 or 403): the gateway answers the same. */
class UpstreamRefused extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;

  constructor(response: Response, body: string) {
    super(`refused with ${response.status}`);
    this.status = response.status;
    this.body = body;
    this.headers = Object.fromEntries(
      ['content-type', 'www-authenticate'].flatMap((name) => {
        const value = response.headers.get(name);
        return value === null ? [] : [[name, value]];
      }),
    );
  }
}

/** Asks the replicas of a service in turn until one answers. */
async function askAny<T>(pool: UpstreamPool, path: string, authorization: string | undefined): Promise<T> {
  let failure = 'it has no replica';
  for (const upstream of pool.candidates()) {
    let response: Response;
    try {
      response = await fetch(`${upstream}${path}`, {
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
        headers: authorization === undefined ? {} : { authorization },
      });
    } catch (error) {
      failure = `${upstream}: ${String(error)}`;
      continue;
    }
    if (response.status === 401 || response.status === 403)
      throw new UpstreamRefused(response, await response.text());
    try {
      if (response.ok) return (await response.json()) as T;
      failure = `${upstream} answered ${response.status}`;
    } catch (error) {
      failure = `${upstream}: ${String(error)}`;
    }
  }
  throw new AppError('unavailable', 'GATEWAY.NO_REPLICA', `No ${pool.service} replica answered (${failure})`);
}
