import type { Database } from '../src/platform/db/database.js';
import { openPglite } from '../src/platform/db/pglite.js';
import { openPostgres } from '../src/platform/db/postgres.js';

/** Preloads the embedded runtime's data directory while the system is stopped: PGlite is single-process. */
export async function preloadEmbedded(dataDir: string, count: number): Promise<void> {
  const db = await openPglite({ dataDir });
  try {
    await insertCompletedOrders(db, count);
    await db.exec('analyze orders.orders');
  } finally {
    await db.close();
  }
}

/** Preloads the orders service's PostgreSQL database, which takes the bulk load while the system runs. */
export async function preloadDistributed(ordersDatabaseUrl: string, count: number): Promise<void> {
  const db = await openPostgres({ url: ordersDatabaseUrl, poolSize: 1, applicationName: 'bench-preload' });
  try {
    await insertCompletedOrders(db, count);
    // Vacuum too: otherwise autovacuum, woken by the inserts, would scan the table during the measured run.
    await db.exec('vacuum analyze orders.orders');
  } finally {
    await db.close();
  }
}

/**
 * Fills OrdersService's table with `count` completed orders straight through SQL — the fast bulk
 * path — in chunks that bound memory.
 */
async function insertCompletedOrders(db: Database, count: number): Promise<void> {
  const chunk = 100_000;
  for (let offset = 0; offset < count; offset += chunk) {
    await db.query(
      `with generated as (
         select gen_random_uuid() as order_id, gen_random_uuid() as customer_id, g
         from generate_series($1::int, $2::int) as g
       )
       insert into orders.orders (order_id, customer_id, status, correlation_id, request_fingerprint, state, created_at, updated_at)
       select order_id, customer_id, 'completed', order_id::text, md5(g::text),
         jsonb_build_object(
           'orderId', order_id, 'status', 'completed',
           'customer', jsonb_build_object('customerId', customer_id, 'name', 'Earlier Customer', 'email', 'earlier@example.com'),
           'lines', jsonb_build_array(jsonb_build_object('productId', gen_random_uuid(), 'name', 'Earlier product', 'quantity', 1, 'unitPrice', 999)),
           'shippingAddress', jsonb_build_object('street', '1 Old St', 'city', 'York', 'state', 'North Yorkshire', 'zip', 'YO1', 'country', 'UK'),
           'payment', jsonb_build_object('method', 'Credit Card', 'transactionId', 'earlier', 'amount', 999),
           'orderDate', now() - g * interval '1 second', 'placedAt', now() - g * interval '1 second',
           'deducted', '{}'::jsonb),
         now() - g * interval '1 second', now() - g * interval '1 second'
       from generated`,
      [offset + 1, Math.min(offset + chunk, count)],
    );
  }
}
