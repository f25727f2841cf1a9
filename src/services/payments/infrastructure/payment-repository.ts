import type { Sql } from '../../../platform/db/database.js';
import type { Payment } from '../domain/index.js';

export interface StoredPayment {
  readonly payment: Payment;
  readonly correlationId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface PaymentRow {
  state: Payment;
  correlation_id: string;
  created_at: Date;
  updated_at: Date;
}

const columns = 'state, correlation_id, created_at, updated_at';

const toStored = (row: PaymentRow): StoredPayment => ({
  payment: row.state,
  correlationId: row.correlation_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** A payment to insert, with the correlation id of the request that started it. */
export interface NewPayment {
  readonly payment: Payment;
  readonly correlationId: string;
}

/** Inserts new payments in one statement; returns the order ids that had one already. */
export async function insertPayments(
  sql: Sql,
  payments: readonly NewPayment[],
  now: Date,
): Promise<string[]> {
  if (payments.length === 0) return [];
  const inserted = await sql.query<{ orderId: string }>(
    `insert into payments.payments (payment_id, order_id, user_id, status, correlation_id, state, created_at, updated_at)
     select n.payment_id, n.order_id, n.user_id, n.status, n.correlation_id, n.state::jsonb, $7::timestamptz, $7::timestamptz
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
       as n (payment_id, order_id, user_id, status, correlation_id, state)
     order by n.order_id
     on conflict (order_id) do nothing returning order_id as "orderId"`,
    [
      payments.map(({ payment }) => payment.paymentId),
      payments.map(({ payment }) => payment.orderId),
      payments.map(({ payment }) => payment.userId),
      payments.map(({ payment }) => payment.status),
      payments.map(({ correlationId }) => correlationId),
      payments.map(({ payment }) => JSON.stringify(payment)),
      now,
    ],
  );
  const stored = new Set(inserted.map(({ orderId }) => orderId));
  return payments.map(({ payment }) => payment.orderId).filter((orderId) => !stored.has(orderId));
}

/**
 * Makes the transactions that start or cancel the payments of these orders run one after the other,
 * whether the payment exists yet or not: otherwise a request and a cancellation of one order running
 * at once would each miss what the other has not committed, and the payment would go ahead for a
 * cancelled order. Held until the transaction ends; taken in one global order, so that batches
 * cannot deadlock.
 */
export async function serializeOrders(sql: Sql, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await sql.query(
    `select pg_advisory_xact_lock(key) from (
       select distinct hashtextextended('payments.order:' || order_id, 0) as key
       from unnest($1::text[]) as o (order_id)
     ) keys order by key`,
    [orderIds],
  );
}

/**
 * Locks the payments with the given ids in one statement, in key order so that concurrent batches
 * cannot deadlock.
 */
export const lockPayments = (sql: Sql, paymentIds: readonly string[]) =>
  paymentsWithIds(sql, paymentIds, 'order by payment_id for update');

/** The payment of each of these orders that has one, by order id; without locking it. */
export async function paymentIdsOfOrders(
  sql: Sql,
  orderIds: readonly string[],
): Promise<Map<string, string>> {
  if (orderIds.length === 0) return new Map();
  const rows = await sql.query<{ orderId: string; paymentId: string }>(
    `select order_id::text as "orderId", payment_id::text as "paymentId" from payments.payments
     where order_id = any ($1::uuid[])`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map(({ orderId, paymentId }) => [orderId, paymentId]));
}

export async function findPayment(sql: Sql, paymentId: string): Promise<StoredPayment | undefined> {
  const [row] = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where payment_id = $1`,
    [paymentId],
  );
  return row && toStored(row);
}

/** The payments with the given ids, in one statement. */
export const findPayments = (sql: Sql, paymentIds: readonly string[]) => paymentsWithIds(sql, paymentIds, '');

async function paymentsWithIds(
  sql: Sql,
  paymentIds: readonly string[],
  then: string,
): Promise<Map<string, StoredPayment>> {
  if (paymentIds.length === 0) return new Map();
  const rows = await sql.query<PaymentRow & { payment_id: string }>(
    `select payment_id::text, ${columns} from payments.payments where payment_id = any ($1::uuid[]) ${then}`,
    [[...new Set(paymentIds)]],
  );
  return new Map(rows.map((row) => [row.payment_id, toStored(row)]));
}

export async function findPaymentsOfOrder(sql: Sql, orderId: string): Promise<StoredPayment[]> {
  const rows = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where order_id = $1 order by created_at`,
    [orderId],
  );
  return rows.map(toStored);
}

export async function savePayments(sql: Sql, payments: readonly Payment[], now: Date): Promise<void> {
  if (payments.length === 0) return;
  await sql.query(
    `update payments.payments p set status = c.status, state = c.state::jsonb, updated_at = $4
     from unnest($1::uuid[], $2::text[], $3::text[]) as c (payment_id, status, state)
     where p.payment_id = c.payment_id`,
    [
      payments.map((payment) => payment.paymentId),
      payments.map((payment) => payment.status),
      payments.map((payment) => JSON.stringify(payment)),
      now,
    ],
  );
}

/** Remembers cancelled orders in one statement; the reason of an order's first cancellation is kept. */
export async function rememberCancellations(
  sql: Sql,
  cancellations: readonly { orderId: string; reason: string | undefined }[],
  now: Date,
): Promise<void> {
  if (cancellations.length === 0) return;
  await sql.query(
    `insert into payments.cancelled_orders (order_id, reason, cancelled_at)
     select c.order_id, c.reason, $3 from unnest($1::uuid[], $2::text[]) with ordinality as c (order_id, reason, position)
     order by c.order_id, c.position
     on conflict (order_id) do nothing`,
    [cancellations.map(({ orderId }) => orderId), cancellations.map(({ reason }) => reason ?? null), now],
  );
}

/** The cancelled orders among those given, with the reason of each cancellation. */
export async function cancellationsOf(
  sql: Sql,
  orderIds: readonly string[],
): Promise<Map<string, { reason: string | null }>> {
  if (orderIds.length === 0) return new Map();
  const rows = await sql.query<{ orderId: string; reason: string | null }>(
    `select order_id::text as "orderId", reason from payments.cancelled_orders where order_id = any ($1::uuid[])`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map(({ orderId, reason }) => [orderId, { reason }]));
}
