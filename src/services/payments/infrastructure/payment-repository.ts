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

/** Inserts a new payment; false when the order has one already. */
export async function insertPayment(
  sql: Sql,
  payment: Payment,
  correlationId: string,
  now: Date,
): Promise<boolean> {
  const rows = await sql.query(
    `insert into payments.payments (payment_id, order_id, user_id, status, correlation_id, state, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)
     on conflict (order_id) do nothing returning 1`,
    [
      payment.paymentId,
      payment.orderId,
      payment.userId,
      payment.status,
      correlationId,
      JSON.stringify(payment),
      now,
    ],
  );
  return rows.length === 1;
}

export async function lockPayment(sql: Sql, paymentId: string): Promise<StoredPayment | undefined> {
  const [row] = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where payment_id = $1 for update`,
    [paymentId],
  );
  return row && toStored(row);
}

export async function lockPaymentOfOrder(sql: Sql, orderId: string): Promise<StoredPayment | undefined> {
  const [row] = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where order_id = $1 for update`,
    [orderId],
  );
  return row && toStored(row);
}

export async function findPayment(sql: Sql, paymentId: string): Promise<StoredPayment | undefined> {
  const [row] = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where payment_id = $1`,
    [paymentId],
  );
  return row && toStored(row);
}

export async function findPaymentsOfOrder(sql: Sql, orderId: string): Promise<StoredPayment[]> {
  const rows = await sql.query<PaymentRow>(
    `select ${columns} from payments.payments where order_id = $1 order by created_at`,
    [orderId],
  );
  return rows.map(toStored);
}

export async function savePayment(sql: Sql, payment: Payment, now: Date): Promise<void> {
  await sql.query(
    `update payments.payments set status = $2, state = $3::jsonb, updated_at = $4 where payment_id = $1`,
    [payment.paymentId, payment.status, JSON.stringify(payment), now],
  );
}

/** Remembers a cancelled order; the reason of the first cancellation is kept. */
export async function rememberCancellation(
  sql: Sql,
  orderId: string,
  reason: string | undefined,
  now: Date,
): Promise<void> {
  await sql.query(
    `insert into payments.cancelled_orders (order_id, reason, cancelled_at) values ($1, $2, $3)
     on conflict (order_id) do nothing`,
    [orderId, reason ?? null, now],
  );
}

export async function cancellationOf(
  sql: Sql,
  orderId: string,
): Promise<{ reason: string | null } | undefined> {
  const [row] = await sql.query<{ reason: string | null }>(
    `select reason from payments.cancelled_orders where order_id = $1`,
    [orderId],
  );
  return row;
}
