import { Type, type Static } from 'typebox';
import type { ServiceId } from '../../../contracts/index.js';
import { AppError } from '../kernel/errors.js';
import type { ConsumerGroup } from '../messaging/consumer.js';
import type { DeadLetterStore } from '../messaging/dead-letters.js';
import type { Metrics } from '../observability/metrics.js';
import type { HttpApp } from './app.js';
import {
  BacklogView,
  DeadLettersView,
  HealthView,
  MetricsText,
  ReadinessView,
  ReplayView,
  unexpectedFailure,
} from './operations-schemas.js';
import { neverShed } from './load-shedding.js';
import { problemResponse } from './problem.js';

/** The tag of the routes every host serves, whatever services it runs. */
export const operationsTag = {
  name: 'operations',
  description: 'Liveness, readiness, metrics, backlog and dead letters of the process',
};

/** What the operations routes ask of the host that serves them. */
export interface OperatedHost {
  readonly metrics: Metrics;
  readonly services: readonly {
    readonly module: { readonly id: ServiceId };
    readonly deadLetters: Pick<DeadLetterStore, 'list'>;
    readonly consumers: Pick<ConsumerGroup, 'replay'>;
  }[];
  ready(): Promise<Static<typeof ReadinessView>>;
  backlog(): Promise<Static<typeof BacklogView>>;
  /** Brings the gauges that mirror storage and broker state up to date, before a scrape. */
  collectMetrics(): Promise<void>;
}

/** Liveness, readiness, metrics and the dead-letter console of a host. */
export function registerOperationsRoutes(app: HttpApp, host: OperatedHost): void {
  app.get(
    '/health',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['operations'],
        summary: 'The process is alive',
        response: { 200: HealthView, 500: unexpectedFailure },
      },
      config: neverShed,
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['operations'],
        summary: 'Every database and the bus answer',
        response: { 200: ReadinessView, 503: ReadinessView, 500: unexpectedFailure },
      },
      config: neverShed,
    },
    async (_request, reply) => {
      const report = await host.ready();
      return reply.status(report.ready ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics',
        response: { 200: MetricsText, 500: unexpectedFailure },
      },
    },
    async (_request, reply) => {
      await host.collectMetrics();
      return reply.type(host.metrics.registry.contentType).send(await host.metrics.registry.metrics());
    },
  );

  app.get(
    '/admin/backlog',
    {
      schema: {
        operationId: 'getBacklog',
        tags: ['operations'],
        summary: 'Work accepted and not finished: unpublished outbox, unacknowledged messages, worker queues',
        response: { 200: BacklogView, 500: unexpectedFailure },
      },
    },
    () => host.backlog(),
  );

  app.get(
    '/admin/dead-letters',
    {
      schema: {
        operationId: 'listDeadLetters',
        tags: ['operations'],
        summary: 'Messages consumers gave up on, with the reason',
        querystring: Type.Object({ includeReplayed: Type.Optional(Type.Boolean({ default: false })) }),
        response: {
          200: DeadLettersView,
          400: problemResponse('The query is invalid'),
          500: unexpectedFailure,
        },
      },
    },
    async (request) => {
      const lists = await Promise.all(
        host.services.map(async (service) =>
          (await service.deadLetters.list({ includeReplayed: request.query.includeReplayed ?? false })).map(
            (letter) => ({
              service: service.module.id,
              ...letter,
            }),
          ),
        ),
      );
      return { deadLetters: lists.flat() };
    },
  );

  app.post(
    '/admin/dead-letters/:service/:id/replay',
    {
      schema: {
        operationId: 'replayDeadLetter',
        tags: ['operations'],
        summary: 'Deliver a dead-lettered message to its consumer again',
        params: Type.Object({
          service: Type.String({ maxLength: 100 }),
          // The largest id a bigserial column holds and a JavaScript number keeps exactly.
          id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
        }),
        response: {
          200: ReplayView,
          400: problemResponse('The id is not a positive integer'),
          404: problemResponse(
            'No such service or dead letter (MESSAGING.SERVICE_NOT_FOUND, MESSAGING.DEAD_LETTER_NOT_FOUND)',
          ),
          409: problemResponse(
            'Replayed before (MESSAGING.ALREADY_REPLAYED), or still rejected (MESSAGING.STILL_REJECTED)',
          ),
          500: unexpectedFailure,
        },
      },
    },
    async (request) => {
      const service = host.services.find((candidate) => candidate.module.id === request.params.service);
      if (!service)
        throw new AppError(
          'not_found',
          'MESSAGING.SERVICE_NOT_FOUND',
          `No service ${request.params.service} here`,
        );
      return { outcome: await service.consumers.replay(request.params.id) };
    },
  );
}
