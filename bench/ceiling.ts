import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findContract, type Envelope } from '../contracts/index.js';
import { createDatabaseIfMissing, dropDatabase } from '../src/hosts/distributed/databases.js';
import type { Database } from '../src/platform/db/database.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { openPostgres } from '../src/platform/db/postgres.js';
import { createLogger } from '../src/platform/kernel/logger.js';
import { loadSettings } from '../src/platform/kernel/settings.js';
import type { MessageBus } from '../src/platform/messaging/bus.js';
import { JetStreamBus } from '../src/platform/messaging/jetstream-bus.js';
import { LocalBus } from '../src/platform/messaging/local-bus.js';
import { childTraceparent } from '../src/platform/messaging/trace.js';
import { benchName, databaseUrl, deleteNamespace, natsUrl } from './infrastructure.js';

export interface Ceiling {
  readonly commitsPerSecond: number;
  readonly busMessagesPerSecond: number;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Small transactions per second through the project's own driver, at the consumers' concurrency. */
async function measureCommits(db: Database, concurrency: number, durationMs: number): Promise<number> {
  await db.exec('create table if not exists ceiling_probe (id bigserial primary key, payload text not null)');
  let commits = 0;
  const start = process.hrtime.bigint();
  const until = Date.now() + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) {
        await db.transaction((tx) => tx.query('insert into ceiling_probe (payload) values ($1)', ['x']));
        commits += 1;
      }
    }),
  );
  return commits / seconds(start);
}

/** Messages per second published and consumed end to end through one of the project's buses. */
async function measureBus(
  bus: MessageBus,
  options: { channel: string; messages: number; maxInFlight: number },
): Promise<number> {
  const { channel, messages } = options;
  let consumed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const subscription = await bus.subscribe({
    consumer: 'ceiling-probe',
    channels: [channel],
    maxInFlight: options.maxInFlight,
    ackWaitMs: 30_000,
    handle: async (delivery) => {
      await delivery.ack();
      consumed += 1;
      if (consumed === messages) resolveDone();
    },
  });
  const start = process.hrtime.bigint();
  const batch = 50;
  for (let sent = 0; sent < messages; sent += batch) {
    await bus.publish(
      Array.from({ length: Math.min(batch, messages - sent) }, () => ({ channel, envelope: probe() })),
    );
  }
  await done;
  const rate = messages / seconds(start);
  await subscription.stop();
  return rate;
}

function probe(): Envelope {
  const id = randomUUID();
  return {
    specversion: '1.0',
    id,
    source: '/orders-domain/bench',
    type: 'Probe',
    time: new Date().toISOString(),
    subject: id,
    datacontenttype: 'application/json',
    dataversion: '1.0.0',
    correlationid: id,
    idempotencykey: id,
    traceparent: childTraceparent(),
    data: { n: 1 },
  };
}

export async function measureEmbeddedCeiling(): Promise<Ceiling> {
  const dir = await mkdtemp(join(tmpdir(), 'orders-ceiling-'));
  const db = await openPglite({ dataDir: dir });
  try {
    const commitsPerSecond = Math.round(await measureCommits(db, 8, 3000));
    const bus = await LocalBus.open(db, { pollIntervalMs: 50 });
    try {
      const options = { channel: 'ceiling.events.Probe', messages: 5000, maxInFlight: 8 };
      return { commitsPerSecond, busMessagesPerSecond: Math.round(await measureBus(bus, options)) };
    } finally {
      await bus.close();
    }
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What every service process runs with unless told otherwise: its pool size, its consumers' concurrency. */
const serviceDefaults = loadSettings({});

/**
 * The distributed runtime's ceiling: commits on a scratch database of the machine's PostgreSQL and
 * messages through JetStream on a namespace of its own, both at the concurrency of one service process.
 */
export async function measureDistributedCeiling(): Promise<Ceiling> {
  const name = benchName();
  return {
    commitsPerSecond: Math.round(await measurePostgresCommits(`${name}_ceiling`)),
    busMessagesPerSecond: Math.round(await measureJetStream(name)),
  };
}

async function measurePostgresCommits(database: string): Promise<number> {
  const url = databaseUrl(database);
  await createDatabaseIfMissing(url);
  try {
    const poolSize = serviceDefaults.databasePoolSize;
    const db = await openPostgres({ url, poolSize, applicationName: 'bench-ceiling' });
    try {
      return await measureCommits(db, poolSize, 3000);
    } finally {
      await db.close();
    }
  } finally {
    await dropDatabase(url);
  }
}

async function measureJetStream(namespace: string): Promise<number> {
  try {
    const bus = await JetStreamBus.connect({
      servers: natsUrl,
      namespace,
      streamReplicas: 1,
      streamMaxAgeMs: serviceDefaults.nats.streamMaxAgeMs,
      duplicateWindowMs: serviceDefaults.nats.duplicateWindowMs,
      maxDeliver: serviceDefaults.messaging.maxDeliveries,
      connectionName: 'bench-ceiling',
      logger: createLogger({ level: 'warn', name: 'bench-ceiling' }),
    });
    try {
      // Streams hold only the registry's subjects; nothing else listens on this namespace.
      const options = {
        channel: 'orders.events.OrderPlaced',
        messages: 5000,
        maxInFlight: serviceDefaults.messaging.maxInFlight,
      };
      return await measureBus(bus, options);
    } finally {
      await bus.close();
    }
  } finally {
    await deleteNamespace(namespace);
  }
}

/**
 * Transactions a flow costs per order: one per delivery of each message it causes (each of its
 * consumers, plus the timeline observer) and one for the placement itself.
 */
export function transactionsPerOrder(messageTypesPerOrder: Map<string, number>, orders: number): number {
  let deliveries = 0;
  for (const [type, count] of messageTypesPerOrder) {
    deliveries += count * ((findContract(type)?.consumers.length ?? 0) + 1);
  }
  return Math.round((deliveries / orders + 1) * 10) / 10;
}
