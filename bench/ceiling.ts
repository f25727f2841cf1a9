import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findContract, type Envelope } from '../contracts/index.js';
import type { Database } from '../src/platform/db/database.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { LocalBus } from '../src/platform/messaging/local-bus.js';
import { childTraceparent } from '../src/platform/messaging/trace.js';

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

/** Messages per second published and consumed end to end through the project's bus. */
async function measureBus(db: Database, messages: number): Promise<number> {
  const bus = await LocalBus.open(db, { pollIntervalMs: 50 });
  let consumed = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const subscription = await bus.subscribe({
    consumer: 'ceiling-probe',
    channels: ['ceiling.events.Probe'],
    maxInFlight: 8,
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
      Array.from({ length: Math.min(batch, messages - sent) }, () => ({
        channel: 'ceiling.events.Probe',
        envelope: probe(),
      })),
    );
  }
  await done;
  const rate = messages / seconds(start);
  await subscription.stop();
  await bus.close();
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
    return {
      commitsPerSecond: Math.round(await measureCommits(db, 8, 3000)),
      busMessagesPerSecond: Math.round(await measureBus(db, 5000)),
    };
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
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
