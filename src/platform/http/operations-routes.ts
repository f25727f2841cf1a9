import { Type } from 'typebox';
import type { ServiceHost } from '../host.js';
import { AppError } from '../kernel/errors.js';
import type { HttpApp } from './app.js';

/** Liveness, readiness, metrics and the dead-letter console of a host. */
export function registerOperationsRoutes(app: HttpApp, host: ServiceHost): void {
  app.get('/health', { schema: { tags: ['operations'], summary: 'The process is alive' } }, () => ({
    status: 'ok',
  }));

  app.get(
    '/ready',
    { schema: { tags: ['operations'], summary: 'Every database and the bus answer' } },
    async (_request, reply) => {
      const report = await host.ready();
      return reply.status(report.ready ? 200 : 503).send(report);
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['operations'], summary: 'Prometheus metrics' } },
    async (_request, reply) => {
      for (const service of host.services) {
        host.metrics.outboxBacklog.set({ service: service.module.id }, await service.relay.backlog());
        for (const worker of service.parts.workers ?? []) {
          host.metrics.workerBacklog.set(
            { service: service.module.id, worker: worker.name },
            await worker.backlog(),
          );
        }
      }
      return reply.type(host.metrics.registry.contentType).send(await host.metrics.registry.metrics());
    },
  );

  app.get(
    '/admin/dead-letters',
    {
      schema: {
        tags: ['operations'],
        summary: 'Messages consumers gave up on, with the reason',
        querystring: Type.Object({ includeReplayed: Type.Optional(Type.Boolean({ default: false })) }),
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
        tags: ['operations'],
        summary: 'Deliver a dead-lettered message to its consumer again',
        params: Type.Object({ service: Type.String(), id: Type.Integer({ minimum: 1 }) }),
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
