import { randomInt } from 'node:crypto';
import type { OutgoingMessage } from '../../src/platform/messaging/bus.js';
import type { ServiceModule } from '../../src/platform/service.js';
import type { TestDatabase } from './databases.js';
import { startTestHost, type TestHost } from './host.js';

/** Replicas of the services on one database, as separate processes would run them, each taking batches of up to 32. */
export async function startReplicas(
  database: TestDatabase,
  modules: readonly ServiceModule[],
  count: number,
  env: Readonly<Record<string, string>> = {},
): Promise<TestHost[]> {
  const hosts: TestHost[] = [];
  // One at a time: each creates its tables if they are missing.
  for (let replica = 0; replica < count; replica++) {
    const db = replica === 0 ? database.db : await database.openAnother();
    hosts.push(await startTestHost({ db, modules, env: { CONSUMER_MAX_IN_FLIGHT: '32', ...env } }));
  }
  return hosts;
}

/**
 * Publishes share i from replica i, so that every one of them takes batches at once, and waits
 * until all of them have settled.
 */
export async function deliverAcrossReplicas(
  hosts: readonly TestHost[],
  shares: readonly (readonly OutgoingMessage[])[],
): Promise<void> {
  await Promise.all(hosts.map((host, replica) => host.bus.publish(shares[replica] ?? [])));
  for (const host of hosts) await host.settled(120_000);
}

/** One to three distinct products in a random order, so that concurrent batches overlap every which way. */
export const randomLines = (products: readonly string[]): { productId: string; quantity: number }[] =>
  [...products]
    .sort(() => Math.random() - 0.5)
    .slice(0, randomInt(1, 4))
    .map((productId) => ({ productId, quantity: randomInt(1, 4) }));

/** The number of deadlocks PostgreSQL has detected in the current database so far. */
export async function deadlocksSoFar(database: TestDatabase): Promise<number> {
  const [row] = await database.db.query<{ deadlocks: number }>(
    'select deadlocks::int as deadlocks from pg_stat_database where datname = current_database()',
  );
  return row?.deadlocks ?? 0;
}
