/**
 * Statements and transactions per completed order, by schema, on one engine:
 *   npx tsx scripts/statement-profile.ts pglite|postgres [orders]
 * Runs every domain service in one process on a fresh database, places the orders at once, waits
 * until the flow has settled, and divides what the database was sent by the orders placed. The
 * statements of the wait itself (its looks at every backlog) are not counted.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Database, Sql } from '../src/platform/db/database.js';
import { domainServices } from '../src/hosts/domain-services.js';
import { openPgliteTestDatabase, openPostgresTestDatabase } from '../test/support/databases.js';
import { startTestHost } from '../test/support/host.js';
import { placeOrderBody, stockBody } from '../test/support/orders.js';

const [engine = 'pglite', ordersArg = '300'] = process.argv.slice(2);
const orders = Number(ordersArg);
const counts = new Map<string, number>();
let transactions = 0;
let counting = false;
/** Set in the async context of the script's own waits, whose statements are left out. */
const waiting = new AsyncLocalStorage<true>();

const schemaOf = (text: string) =>
  /\b(orders|inventory|payments|notifications|subscriptions|bus)\./.exec(text)?.[1] ?? 'other';
const counted = () => counting && !waiting.getStore();
const count = (text: string) => {
  if (counted()) counts.set(schemaOf(text), (counts.get(schemaOf(text)) ?? 0) + 1);
};
const countingSql = (sql: Sql): Sql => ({
  query: (text, params) => {
    count(text);
    return sql.query(text, params);
  },
  exec: (text) => {
    count(text);
    return sql.exec(text);
  },
});
const countingDatabase = (db: Database): Database => ({
  ...db,
  ...countingSql(db),
  transaction: (work) =>
    db.transaction((tx) => {
      if (counted()) transactions++;
      return work(countingSql(tx));
    }),
  ping: () => db.ping(),
  close: () => db.close(),
});

const testDb = await (engine === 'postgres' ? openPostgresTestDatabase() : openPgliteTestDatabase());
const domain = await startTestHost({ db: countingDatabase(testDb.db), modules: domainServices });
const productIds = Array.from({ length: 20 }, randomUUID);
for (const productId of productIds)
  await domain.inject({ method: 'POST', url: '/inventory/add', payload: stockBody(productId, orders) });
await domain.settled(120_000);

counting = true;
const started = Date.now();
const answers = await Promise.all(
  Array.from({ length: orders }, (_, index) =>
    domain.inject({
      method: 'POST',
      url: '/orders',
      payload: placeOrderBody([{ productId: productIds[index % productIds.length] as string, quantity: 1 }]),
    }),
  ),
);
await waiting.run(true, () => domain.settled(600_000));
counting = false;
const [completed] = await testDb.db.query<{ n: number }>(
  `select count(*)::int as n from orders.orders where status in ('confirmed', 'completed')`,
);
const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
console.log(
  `${engine}: ${orders} orders placed (${answers.filter((a) => a.statusCode === 202).length} accepted, ${completed?.n} confirmed) in ${Date.now() - started} ms`,
);
console.log(
  `statements per order: ${(total / orders).toFixed(1)}, transactions per order: ${(transactions / orders).toFixed(1)}`,
);
for (const [schema, n] of [...counts].sort())
  console.log(`  ${schema.padEnd(14)} ${(n / orders).toFixed(1)}`);
await domain.stop();
await testDb.dispose();
