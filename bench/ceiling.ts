import { randomInt, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { findContract } from '../contracts/index.js';
import { createDatabaseIfMissing, dropDatabase } from '../src/hosts/distributed/databases.js';
import type { Database } from '../src/platform/db/database.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { openPostgres } from '../src/platform/db/postgres.js';
import { loadSettings } from '../src/platform/kernel/settings.js';
import { benchName, databaseUrl, natsUrl } from './infrastructure.js';
import type { Mode } from './system.js';

/** Deliveries per second an engine takes at one batch size: the median of `trials` short runs. */
export interface BatchRate {
  readonly batch: number;
  readonly database: number;
  /** JetStream, distributed only: the embedded bus is the database itself. */
  readonly broker?: number;
}

/** What one order costs the engines, as the run measured it. */
export interface FlowShape {
  readonly deliveriesPerOrder: number;
  readonly messagesPerOrder: number;
}

/** What each process of a service runs with unless told otherwise: its pool, its consumers' pull size. */
export const serviceDefaults = loadSettings({});
const trials = 3;
const trialMs = 1000;
const keyCount = 1000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** A message as large as the flow's: a CloudEvents envelope of about 700 bytes. */
const envelope = (id: string) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: '/orders-domain/bench',
    type: 'Probe',
    data: 'x'.repeat(500),
  });

async function prepare(db: Database): Promise<void> {
  await db.exec(`
    create table if not exists probe_state (id int primary key, counter bigint not null default 0);
    create table if not exists probe_inbox (consumer text not null, id text not null, primary key (consumer, id));
    create table if not exists probe_outgoing (
      seq bigserial primary key, id text not null unique, envelope json not null, settled boolean not null default false
    );
    insert into probe_state (id) select g from generate_series(1, ${keyCount}) g on conflict do nothing;
  `);
}

/**
 * One batch of `size` deliveries handled the batch-native way: one transaction with one set-based
 * statement per table (inbox claims, state rows locked in key order then updated, outgoing
 * messages), then one statement that settles the batch (the relay marking its messages published,
 * or the embedded bus removing its acked deliveries).
 */
async function handleBatch(db: Database, size: number): Promise<void> {
  const ids = Array.from({ length: size }, () => randomUUID());
  const keys = [...new Set(Array.from({ length: size }, () => randomInt(1, keyCount + 1)))].sort(
    (a, b) => a - b,
  );
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into probe_inbox (consumer, id) select 'probe', unnest($1::text[]) on conflict do nothing`,
      [ids],
    );
    await tx.query('select id from probe_state where id = any ($1::int[]) order by id for update', [keys]);
    await tx.query(
      'update probe_state s set counter = s.counter + 1 from unnest($1::int[]) k (id) where s.id = k.id',
      [keys],
    );
    await tx.query(
      'insert into probe_outgoing (id, envelope) select id, e::json from unnest($1::text[], $2::text[]) m (id, e)',
      [ids, ids.map(envelope)],
    );
  });
  await db.query('update probe_outgoing set settled = true where id = any ($1::text[])', [ids]);
}

/** Deliveries per second in batches of `size`, with `concurrency` batches in flight. */
async function databaseRate(db: Database, size: number, concurrency: number): Promise<number> {
  const runs: number[] = [];
  // The first batches compile plans (and warm PGlite's engine): they are left out.
  for (let warmUp = 0; warmUp < 5; warmUp++) await handleBatch(db, size);
  for (let trial = 0; trial < trials; trial++) {
    let batches = 0;
    const start = process.hrtime.bigint();
    const until = Date.now() + trialMs;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (Date.now() < until) {
          await handleBatch(db, size);
          batches += 1;
        }
      }),
    );
    runs.push((batches * size) / seconds(start));
  }
  return Math.round(median(runs));
}

/**
 * Messages per second through JetStream in batches of `size`: published pipelined (a batch in
 * flight, its confirmations awaited together) and pulled `size` at a time (the next pull overlapping
 * the batch in hand) by `consumers` durable consumers — the flow's fan-out — each acking every
 * message without waiting for the acknowledgement.
 */
async function brokerRate(
  js: JetStreamClient,
  stream: string,
  size: number,
  consumers: readonly string[],
): Promise<number> {
  const runs: number[] = [];
  const messages = size * Math.ceil(2000 / size);
  for (let trial = 0; trial < trials; trial++) {
    const start = process.hrtime.bigint();
    const consuming = consumers.map(async (name) => {
      const consumer = await js.consumers.get(stream, name);
      const pulled = await consumer.consume({ max_messages: size });
      let received = 0;
      for await (const message of pulled) {
        message.ack();
        received += 1;
        if (received === messages) break;
      }
    });
    for (let sent = 0; sent < messages; sent += size) {
      const count = Math.min(size, messages - sent);
      await Promise.all(
        Array.from({ length: count }, () => {
          const id = randomUUID();
          return js.publish(`${stream}.probe`, envelope(id), { msgID: id });
        }),
      );
    }
    await Promise.all(consuming);
    runs.push(messages / seconds(start));
  }
  return Math.round(median(runs));
}

/**
 * The engines driven directly at each batch size — PGlite in a scratch directory, or a scratch
 * database of the machine's PostgreSQL at one service's pool size and JetStream on a stream of its
 * own — so the figures are what this design could reach at best, not what the project's code does.
 */
export async function measureBatchRates(
  mode: Mode,
  sizes: readonly number[],
  fanOut: number,
): Promise<BatchRate[]> {
  if (mode === 'embedded') {
    const dir = await mkdtemp(join(tmpdir(), 'orders-ceiling-'));
    const db = await openPglite({ dataDir: dir });
    try {
      await prepare(db);
      const rates: BatchRate[] = [];
      // PGlite runs one transaction at a time: a second in flight only queues.
      for (const batch of sizes) rates.push({ batch, database: await databaseRate(db, batch, 2) });
      return rates;
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  }
  const name = benchName();
  const url = databaseUrl(`${name}_ceiling`);
  await createDatabaseIfMissing(url);
  const poolSize = serviceDefaults.databasePoolSize;
  const db = await openPostgres({ url, poolSize, applicationName: 'bench-ceiling' });
  const nc = await connect({ servers: natsUrl, name: 'bench-ceiling' });
  const stream = `${name}_PROBE`;
  try {
    await prepare(db);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
    const consumers = Array.from({ length: fanOut }, (_, index) => `probe${index}`);
    for (const durable_name of consumers)
      await jsm.consumers.add(stream, { durable_name, ack_policy: AckPolicy.Explicit });
    const js = jetstream(nc);
    const rates: BatchRate[] = [];
    for (const batch of sizes) {
      rates.push({
        batch,
        database: await databaseRate(db, batch, poolSize),
        broker: await brokerRate(js, stream, batch, consumers),
      });
    }
    await jsm.streams.delete(stream);
    return rates;
  } finally {
    await nc.close();
    await db.close();
    await dropDatabase(url);
  }
}

/**
 * Orders per second the engines allow at `rate`'s batch size: each order's deliveries go through
 * the database in batches, plus its placement, a transaction of its own; on the broker, each of its
 * messages is published once and delivered to its consumers (the fan-out the broker was measured at).
 */
export function ordersCeiling(rate: BatchRate, single: BatchRate, flow: FlowShape): number {
  const byDatabase = 1 / (flow.deliveriesPerOrder / rate.database + 1 / single.database);
  const byBroker = rate.broker === undefined ? Infinity : rate.broker / flow.messagesPerOrder;
  return Math.min(byDatabase, byBroker);
}

/** Deliveries per order the contracts imply (each consumer, plus the timeline observer), when no run counted them. */
export function deliveriesPerOrder(messageTypesPerOrder: Map<string, number>, orders: number): number {
  let deliveries = 0;
  for (const [type, count] of messageTypesPerOrder) {
    deliveries += count * ((findContract(type)?.consumers.length ?? 0) + 1);
  }
  return Math.round((deliveries / orders) * 10) / 10;
}
