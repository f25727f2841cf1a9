import { join } from 'node:path';
import { producedBy } from '../../../contracts/index.js';
import type { Database } from '../../platform/db/database.js';
import { systemClock } from '../../platform/kernel/clock.js';
import { randomIds } from '../../platform/kernel/ids.js';
import { createLogger, type Logger } from '../../platform/kernel/logger.js';
import type { Settings } from '../../platform/kernel/settings.js';
import { busConsumersOf } from '../../platform/messaging/bus-consumers.js';
import { JetStreamBus, type JetStreamBusOptions } from '../../platform/messaging/jetstream-bus.js';
import {
  inboxPrefixOf,
  provisionerIdentity,
  type BusIdentity,
} from '../../platform/messaging/nats-permissions.js';
import { Outbox } from '../../platform/messaging/outbox.js';
import { Metrics } from '../../platform/observability/metrics.js';
import type { ServiceModule } from '../../platform/service.js';

/**
 * What a service does on the bus: the channels the registry says it produces, and the consumers
 * its handlers and observers subscribe, read from the service's own parts — built, never started.
 */
export function busIdentityOf(module: ServiceModule, settings: Settings): BusIdentity {
  const db = new Proxy({} as Database, {
    get: () => {
      throw new Error(`${module.id} used its database while its bus identity was being read`);
    },
  });
  const parts = module.create({
    service: module.id,
    schema: module.schema,
    db,
    outbox: new Outbox({ db, schema: module.schema, service: module.id, clock: systemClock, ids: randomIds }),
    clock: systemClock,
    ids: randomIds,
    logger: createLogger({ level: 'silent' }),
    metrics: new Metrics(),
    settings: module.settings?.read(settings.environment),
  });
  return {
    name: module.id,
    produces: producedBy(module.id).map((contract) => contract.channel),
    consumers: busConsumersOf(module.id, parts.handlers, parts.observers),
  };
}

/** Where `npm run nats-config` keeps an identity's nkey seed. */
export const seedFileOf = (credentialsDir: string, identity: string): string =>
  join(credentialsDir, `${identity}.nk`);

/** The authorization block to include in (or pass as) the nats-server configuration. */
export const authorizationFileOf = (credentialsDir: string): string =>
  join(credentialsDir, 'authorization.conf');

/** A bus of `identity` configured from the settings; its nkey seed, when given, overrides NATS_NKEY_SEED_FILE. */
export function busOptionsFrom(
  settings: Settings,
  options: Pick<JetStreamBusOptions, 'servers' | 'connectionName' | 'logger' | 'onExhausted'> & {
    readonly identity: string;
    readonly nkeySeedFile?: string | undefined;
  },
): JetStreamBusOptions {
  const { identity, nkeySeedFile, ...rest } = options;
  return {
    ...rest,
    user: settings.nats.user,
    pass: settings.nats.pass,
    credsFile: settings.nats.credsFile,
    nkeySeedFile: nkeySeedFile ?? settings.nats.nkeySeedFile,
    inboxPrefix: inboxPrefixOf(identity),
    namespace: settings.nats.namespace,
    streamReplicas: settings.nats.streamReplicas,
    streamMaxAgeMs: settings.nats.streamMaxAgeMs,
    duplicateWindowMs: settings.nats.duplicateWindowMs,
    maxDeliver: settings.messaging.maxDeliveries + 3,
  };
}

/** Creates or updates every stream of the domain as the provisioner, whose NATS user alone may. */
export async function provisionStreams(
  settings: Settings,
  servers: string,
  credentialsDir: string,
  logger: Logger,
): Promise<void> {
  const bus = await JetStreamBus.connect(
    busOptionsFrom(settings, {
      servers,
      identity: provisionerIdentity,
      nkeySeedFile: seedFileOf(credentialsDir, provisionerIdentity),
      connectionName: `${provisionerIdentity}-${process.pid}`,
      logger,
    }),
  );
  await bus.close();
}
