import type { FastifyPluginAsync } from 'fastify';
import { services as serviceCatalog } from '../../contracts/index.js';
import { openAuthentication } from './auth/authentication.js';
import type { Database } from './db/database.js';
import { migrate } from './db/migrations.js';
import { buildHttpApp, type HttpApp } from './http/app.js';
import { operationsTag, registerOperationsRoutes, type OperatedHost } from './http/operations-routes.js';
import { systemClock, type Clock } from './kernel/clock.js';
import { randomIds, type IdGenerator } from './kernel/ids.js';
import type { Logger } from './kernel/logger.js';
import type { Settings } from './kernel/settings.js';
import type { MessageBus } from './messaging/bus.js';
import { ConsumerGroup, exponentialBackoff } from './messaging/consumer.js';
import { openDeadLetterCounts } from './messaging/dead-letter-counts.js';
import { DeadLetterStore } from './messaging/dead-letters.js';
import { Outbox } from './messaging/outbox.js';
import { OutboxRelay } from './messaging/outbox-relay.js';
import { relayLeaseTable } from './messaging/relay-lease.js';
import { messagingTables } from './messaging/tables.js';
import { routesOf } from './observability/http-spans.js';
import { Metrics } from './observability/metrics.js';
import type { ServiceContext, ServiceModule, ServiceParts } from './service.js';

export interface HostOptions {
  readonly modules: readonly ServiceModule[];
  /** The database of each service (the same one for all, in the embedded runtime). */
  readonly databaseFor: (module: ServiceModule) => Database;
  readonly bus: MessageBus;
  readonly settings: Settings;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** JSON documents served as they are, by path (e.g. `/asyncapi.json`); the host does not build them. */
  readonly documents?: Readonly<Record<string, object>>;
  /** HTTP routes the host serves beside its services' (e.g. the console). */
  readonly plugins?: readonly FastifyPluginAsync[];
}

/** A service as it runs in a host: its parts plus the messaging machinery around them. */
export interface RunningService {
  readonly module: ServiceModule;
  readonly context: ServiceContext;
  readonly parts: ServiceParts;
  /** None when the outbox publishes straight to a bus in the service's own database. */
  readonly relay: OutboxRelay | undefined;
  readonly consumers: ConsumerGroup;
  readonly deadLetters: DeadLetterStore;
}

/** Work accepted and not finished yet, by where it waits; all zero once everything has settled. */
export interface Backlog {
  readonly drained: boolean;
  /** Committed messages not yet published, per service. */
  readonly outbox: Record<string, number>;
  /** Messages stored for a consumer and not yet acknowledged, per consumer. */
  readonly consumers: Record<string, number>;
  readonly workers: Record<string, number>;
}

/**
 * Runs one or more services in this process: migrates their schemas, starts their outbox relays,
 * consumers and workers, and serves their routes on one HTTP app.
 */
export class ServiceHost implements OperatedHost {
  readonly app: HttpApp;
  readonly services: readonly RunningService[];
  readonly metrics: Metrics;
  readonly #options: HostOptions;

  private constructor(options: HostOptions, app: HttpApp, services: RunningService[], metrics: Metrics) {
    this.#options = options;
    this.app = app;
    this.services = services;
    this.metrics = metrics;
  }

  static async start(options: HostOptions): Promise<ServiceHost> {
    const { settings, logger, bus } = options;
    const clock = options.clock ?? systemClock;
    const ids = options.ids ?? randomIds;
    const settingsOf = new Map(
      options.modules.map((module) => [module, module.settings?.read(settings.environment)]),
    );
    const metrics = new Metrics();
    const running: RunningService[] = [];
    for (const module of options.modules) {
      const db = options.databaseFor(module);
      const outbox = new Outbox({
        db,
        schema: module.schema,
        service: module.id,
        clock,
        ids,
        bus: bus.inDatabase?.holds(db) ? bus.inDatabase : undefined,
        messagingSystem: bus.system,
      });
      const context: ServiceContext = {
        service: module.id,
        schema: module.schema,
        db,
        outbox,
        clock,
        ids,
        logger: logger.child({ service: module.id }),
        metrics,
        settings: settingsOf.get(module),
      };
      const parts = module.create(context);
      await migrate(db, module.schema, [
        ...messagingTables(module.schema),
        relayLeaseTable(module.schema),
        ...parts.migrations,
      ]);
      const deadLetters = new DeadLetterStore(db, module.schema);
      running.push({
        module,
        context,
        parts,
        deadLetters,
        relay: outbox.relayed
          ? new OutboxRelay({
              db,
              schema: module.schema,
              bus,
              outbox,
              logger: context.logger,
              pollIntervalMs: settings.messaging.relayPollMs,
              leaseMs: settings.messaging.relayLeaseMs,
            })
          : undefined,
        consumers: new ConsumerGroup({
          service: module.id,
          schema: module.schema,
          db,
          bus,
          outbox,
          deadLetters,
          logger: context.logger,
          metrics,
          retry: exponentialBackoff({
            maxDeliveries: settings.messaging.maxDeliveries,
            baseMs: settings.messaging.retryBaseMs,
            maxMs: settings.messaging.retryMaxMs,
          }),
          maxInFlight: settings.messaging.maxInFlight,
          ackWaitMs: settings.messaging.ackWaitMs,
          batchDeliveries: db.dialect === 'pglite' ? 'all' : 'set-based',
        }),
      });
    }

    const app = await buildHttpApp({
      logger,
      bodyLimitBytes: settings.bodyLimitBytes,
      shedding: settings.http,
      authentication: await openAuthentication(settings.auth),
      edge: settings.edge,
      title: 'Orders domain',
      version: '0.1.0',
      description: `Services: ${options.modules.map((m) => `${m.id} ${serviceCatalog[m.id].version}`).join(', ')}`,
      // Relative: the API is where this document is served, whatever host and port that is.
      servers: [{ url: '/', description: 'The host serving this document' }],
      tags: [
        ...options.modules.map((m) => ({
          name: serviceCatalog[m.id].context,
          description: `${serviceCatalog[m.id].name} ${serviceCatalog[m.id].version}`,
        })),
        operationsTag,
      ],
    });
    const host = new ServiceHost(options, app, running, metrics);
    registerOperationsRoutes(app, host);
    for (const [path, document] of Object.entries(options.documents ?? {}))
      app.get(path, { schema: { hide: true } }, () => document);
    for (const service of running)
      await app.register(async (scope: HttpApp) => {
        await scope.register(routesOf(service.module.id));
        await service.parts.routes(scope);
      });
    for (const plugin of options.plugins ?? []) await app.register(plugin);
    await app.ready();

    for (const service of running) {
      service.relay?.start();
      await service.consumers.start(service.parts.handlers, service.parts.observers);
      for (const worker of service.parts.workers ?? []) worker.start();
    }
    return host;
  }

  /** True when every database and the bus answer. */
  async ready(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const checks: Record<string, string> = {};
    const check = async (name: string, probe: () => Promise<void>) => {
      try {
        await probe();
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = `failed: ${String(error)}`;
      }
    };
    await Promise.all([
      ...this.services.map((service) =>
        check(`${service.module.id}.database`, () => service.context.db.ping()),
      ),
      check('bus', () => this.#options.bus.ping()),
    ]);
    return { ready: Object.values(checks).every((result) => result === 'ok'), checks };
  }

  async backlog(): Promise<Backlog> {
    const outbox: Record<string, number> = {};
    const consumers: Record<string, number> = {};
    const workers: Record<string, number> = {};
    await Promise.all(
      this.services.flatMap((service) => [
        (async () => {
          outbox[service.module.id] = (await service.relay?.backlog()) ?? 0;
        })(),
        ...service.consumers.consumerNames.map(async (consumer) => {
          consumers[consumer] = await this.#options.bus.pendingCount(consumer);
        }),
        ...(service.parts.workers ?? []).map(async (worker) => {
          workers[`${service.module.id}.${worker.name}`] = await worker.backlog();
        }),
      ]),
    );
    const drained = [outbox, consumers, workers].every((counts) =>
      Object.values(counts).every((count) => count === 0),
    );
    return { drained, outbox, consumers, workers };
  }

  /** Brings the gauges that mirror storage and broker state up to date, before a scrape. */
  async collectMetrics(): Promise<void> {
    const { metrics } = this;
    const { bus } = this.#options;
    await Promise.all(
      this.services.flatMap((service) => [
        (async () => {
          metrics.outboxBacklog.set({ service: service.module.id }, (await service.relay?.backlog()) ?? 0);
        })(),
        (async () => {
          const open = await openDeadLetterCounts(service.context.db, service.module.schema);
          for (const consumer of service.consumers.consumerNames) {
            metrics.deadLetters.set({ service: service.module.id, consumer }, open.get(consumer) ?? 0);
          }
        })(),
        ...service.consumers.consumerNames.map(async (consumer) => {
          const stats = await bus.consumerStats(consumer);
          metrics.consumerWaiting.set({ consumer }, stats.waiting);
          metrics.consumerInFlight.set({ consumer }, stats.inFlight);
          metrics.consumerRedelivered.set({ consumer }, stats.redelivered);
        }),
        ...(service.parts.workers ?? []).map(async (worker) => {
          metrics.workerBacklog.set(
            { service: service.module.id, worker: worker.name },
            await worker.backlog(),
          );
        }),
      ]),
    );
  }

  /** Stops taking requests and messages, lets what is in flight finish, and flushes the outboxes. */
  async stop(): Promise<void> {
    await this.app.close();
    for (const service of this.services) await service.consumers.stop();
    for (const service of this.services)
      await Promise.all((service.parts.workers ?? []).map((worker) => worker.stop()));
    for (const service of this.services) await service.relay?.stop();
    this.#options.logger.info('services stopped');
  }
}
