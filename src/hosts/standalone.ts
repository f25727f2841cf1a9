import { openPostgres } from '../platform/db/postgres.js';
import { ServiceHost } from '../platform/host.js';
import { DeadLetterStore } from '../platform/messaging/dead-letters.js';
import { JetStreamBus } from '../platform/messaging/jetstream-bus.js';
import { busOptionsFrom } from './distributed/nats-identities.js';
import { announceReady } from './distributed/processes.js';
import { stopOnSignals } from './shutdown.js';
import { domainServices } from './domain-services.js';
import { startHostProcess } from './host-process.js';

/**
 * One service in this process, on PostgreSQL (DATABASE_URL) and NATS JetStream (NATS_URL): the
 * distributed runtime. Start as many replicas as needed; they share the service's database and
 * its durable consumers, and one of them at a time relays its outbox.
 *
 *   npm run service -- <name>      (the schema of a service in domain-services.ts, such as orders)
 */
const names = domainServices.map((candidate) => candidate.schema);
const module = domainServices.find((candidate) => candidate.schema === process.argv[2]);
if (!module) {
  console.error(`usage: npm run service -- <${names.join('|')}>`);
  process.exit(2);
}
const { settings, tracing, logger } = startHostProcess({
  name: module.schema,
  tracedAs: module.id,
  services: [module.id],
});
if (!settings.databaseUrl || !settings.nats.url) {
  logger.fatal('DATABASE_URL and NATS_URL must both be set to run a service on its own');
  process.exit(2);
}

const db = await openPostgres({
  url: settings.databaseUrl,
  poolSize: settings.databasePoolSize,
  applicationName: `orders-domain-${module.schema}`,
});
const deadLetters = new DeadLetterStore(db, module.schema);
const bus = await JetStreamBus.connect(
  busOptionsFrom(settings, {
    servers: settings.nats.url,
    identity: module.id,
    connectionName: `${module.schema}-${process.pid}`,
    logger,
    onExhausted: (consumer, envelope, deliveries, body) =>
      deadLetters.record(
        consumer,
        envelope,
        `JetStream stopped redelivering after ${deliveries} deliveries, none settled: each ended in a crash or an expired ack wait`,
        deliveries,
        body,
      ),
  }),
);
const host = await ServiceHost.start({ modules: [module], databaseFor: () => db, bus, settings, logger });
const address = await host.app.listen({ port: settings.port, host: settings.host });
logger.info(
  { address, service: module.id, streams: bus.streams.map((stream) => stream.name) },
  'service is running',
);
announceReady(address);

stopOnSignals(logger, settings.shutdownTimeoutMs, async () => {
  // Stops HTTP, then pulling; in-flight handlers finish and the outbox is flushed before the
  // connection drains its acks and closes.
  await host.stop();
  await bus.close();
  await db.close();
  await tracing.shutdown();
});
