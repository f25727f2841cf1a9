import type { OrderItem } from '../../../../contracts/common.js';
import type { Static } from 'typebox';
import type { Sql } from '../../../platform/db/database.js';
import { jobTable } from '../../../platform/jobs/job-table.js';
import type { Actor } from '../../../platform/messaging/unit-of-work.js';
import type { NotificationType } from '../domain/templates.js';

/** Every SQL statement of NotificationService. Table names are qualified with schema `notifications`. */

export type NotificationStatus = 'pending' | 'sent' | 'recorded' | 'failed';

export interface Recipient {
  customerId: string;
  name: string;
  email: string;
  phone: string | null;
}

export type RememberedItem = Static<typeof OrderItem>;

export interface RememberedOrder {
  orderId: string;
  customerId: string;
  items: RememberedItem[];
  totalAmount: number;
}

/** What every notification is, from its creation on: one rendered email, maybe about an order. */
interface NotificationFacts {
  notificationId: string;
  type: NotificationType;
  channel: 'email';
  recipient: string;
  subject: string;
  text: string;
  orderId: string | null;
}

export interface NewNotification extends NotificationFacts {
  sourceMessageId: string;
  correlationId: string;
  traceparent: string | undefined;
  actor: Actor | undefined;
  createdAt: Date;
}

export interface StoredNotification extends NotificationFacts {
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  providerMessageId: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** A notification claimed by a dispatcher: `attempts` already counts the attempt about to be made. */
export interface ClaimedNotification extends NotificationFacts {
  sourceMessageId: string;
  correlationId: string;
  traceparent: string | null;
  actorId: string | null;
  actorRole: Actor['role'] | null;
  attempts: number;
  createdAt: Date;
}

const storedColumns = `
  notification_id as "notificationId", type, channel, recipient, subject, content as text,
  order_id as "orderId", status, attempts, last_error as "lastError",
  provider_message_id as "providerMessageId", created_at as "createdAt", sent_at as "sentAt"`;

/** A customer's contact details as an OrderPlaced of `asOf` told them. */
export interface RecipientUpdate extends Recipient {
  asOf: string;
}

/**
 * Keeps the newest contact details: an older OrderPlaced arriving late does not overwrite newer ones.
 * Of several updates of one customer, the newest counts, the later one on a tie, as if applied in turn.
 */
export async function upsertRecipients(sql: Sql, updates: readonly RecipientUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await sql.query(
    `insert into notifications.recipients (customer_id, name, email, phone, updated_at)
     select distinct on (r.customer_id) r.customer_id, r.name, r.email, r.phone, r.updated_at
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       with ordinality as r (customer_id, name, email, phone, updated_at, position)
     order by r.customer_id, r.updated_at desc, r.position desc
     on conflict (customer_id) do update
       set name = excluded.name, email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at
       where notifications.recipients.updated_at <= excluded.updated_at`,
    [
      updates.map((update) => update.customerId),
      updates.map((update) => update.name),
      updates.map((update) => update.email),
      updates.map((update) => update.phone),
      updates.map((update) => update.asOf),
    ],
  );
}

/** Remembers each order once: the first summary of an order counts. */
export async function rememberOrders(sql: Sql, orders: readonly RememberedOrder[]): Promise<void> {
  if (orders.length === 0) return;
  await sql.query(
    `insert into notifications.orders (order_id, customer_id, items, total_amount)
     select distinct on (o.order_id) o.order_id, o.customer_id, o.items::jsonb, o.total_amount
     from unnest($1::uuid[], $2::uuid[], $3::text[], $4::numeric[])
       with ordinality as o (order_id, customer_id, items, total_amount, position)
     order by o.order_id, o.position
     on conflict (order_id) do nothing`,
    [
      orders.map((order) => order.orderId),
      orders.map((order) => order.customerId),
      orders.map((order) => JSON.stringify(order.items)),
      orders.map((order) => order.totalAmount),
    ],
  );
}

/** The recipients known of these customers, by customer id. */
export async function findRecipients(
  sql: Sql,
  customerIds: readonly string[],
): Promise<Map<string, Recipient>> {
  const rows = await sql.query<Recipient>(
    `select customer_id as "customerId", name, email, phone
     from notifications.recipients where customer_id = any($1::uuid[])`,
    [[...new Set(customerIds)]],
  );
  return new Map(rows.map((row) => [row.customerId, row]));
}

/** The orders remembered of these, by order id. */
export async function findOrders(
  sql: Sql,
  orderIds: readonly string[],
): Promise<Map<string, RememberedOrder>> {
  const rows = await sql.query<RememberedOrder>(
    `select order_id as "orderId", customer_id as "customerId", items, total_amount as "totalAmount"
     from notifications.orders where order_id = any($1::uuid[])`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map((row) => [row.orderId, row]));
}

/**
 * Inserts the notifications, but none that its message already produced (of its type and
 * channel), and returns how many were created.
 */
export async function insertNotifications(
  sql: Sql,
  notifications: readonly NewNotification[],
): Promise<number> {
  if (notifications.length === 0) return 0;
  const column = <T>(value: (notification: NewNotification) => T) => notifications.map(value);
  const rows = await sql.query(
    `insert into notifications.notifications
       (notification_id, type, channel, recipient, subject, content, order_id, source_message_id,
        correlation_id, traceparent, actor_id, actor_role, status, next_attempt_at, created_at)
     select n.notification_id, n.type, n.channel, n.recipient, n.subject, n.content, n.order_id,
       n.source_message_id, n.correlation_id, n.traceparent, n.actor_id, n.actor_role, 'pending', now(), n.created_at
     from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::text[],
       $9::text[], $10::text[], $11::text[], $12::text[], $13::timestamptz[])
       with ordinality as n (notification_id, type, channel, recipient, subject, content, order_id,
         source_message_id, correlation_id, traceparent, actor_id, actor_role, created_at, position)
     order by n.source_message_id, n.position
     on conflict (source_message_id, type, channel) do nothing
     returning 1`,
    [
      column((n) => n.notificationId),
      column((n) => n.type),
      column((n) => n.channel),
      column((n) => n.recipient),
      column((n) => n.subject),
      column((n) => n.text),
      column((n) => n.orderId),
      column((n) => n.sourceMessageId),
      column((n) => n.correlationId),
      column((n) => n.traceparent ?? null),
      column((n) => n.actor?.id ?? null),
      column((n) => n.actor?.role ?? null),
      column((n) => n.createdAt.toISOString()),
    ],
  );
  return rows.length;
}

/** Pending notifications, claimed by the dispatchers under a lease; a claim counts the attempt. */
const notificationJobs = jobTable<ClaimedNotification>({
  table: 'notifications.notifications',
  key: 'notification_id',
  order: 'created_at, notification_id',
  returning: `notification_id as "notificationId", type, channel, recipient, subject, content as text,
    order_id as "orderId", source_message_id as "sourceMessageId", correlation_id as "correlationId",
    traceparent, actor_id as "actorId", actor_role as "actorRole", attempts, created_at as "createdAt"`,
  countsAttempts: true,
});

/** Claims up to `limit` due notifications, oldest first. */
export async function claimDue(sql: Sql, limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
  const rows = await notificationJobs.claimDue(sql, limit, leaseMs);
  return rows.sort(
    (a, b) =>
      a.createdAt.getTime() - b.createdAt.getTime() || a.notificationId.localeCompare(b.notificationId),
  );
}

export const countPending = notificationJobs.countPending;
export const untilNextDue = notificationJobs.untilNextDue;
export const scheduleRetry = notificationJobs.retryLater;

/** How a send ended: handed to the provider (`sent`), only recorded, or failed for good. */
export interface FinalOutcome {
  readonly notificationId: string;
  readonly status: 'sent' | 'recorded' | 'failed';
  readonly providerMessageId: string | null;
  /** Why it failed; null for a send. */
  readonly error: string | null;
  readonly at: Date;
}

/**
 * Records how sends ended, in one statement for them all; only a notification still pending takes
 * its outcome. Returns the ids of those that did.
 */
export async function recordFinalOutcomes(sql: Sql, outcomes: readonly FinalOutcome[]): Promise<Set<string>> {
  if (outcomes.length === 0) return new Set();
  const rows = await sql.query<{ notificationId: string }>(
    `update notifications.notifications n
     set status = o.status, lease_until = null, last_error = o.error,
         sent_at = case when o.status = 'failed' then n.sent_at else o.at end,
         provider_message_id = case when o.status = 'failed' then n.provider_message_id else o.provider_message_id end
     from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
       as o (notification_id, status, provider_message_id, error, at)
     where n.notification_id = o.notification_id::uuid and n.status = 'pending'
     returning o.notification_id as "notificationId"`,
    [
      outcomes.map((outcome) => outcome.notificationId),
      outcomes.map((outcome) => outcome.status),
      outcomes.map((outcome) => outcome.providerMessageId),
      outcomes.map((outcome) => outcome.error),
      outcomes.map((outcome) => outcome.at),
    ],
  );
  return new Set(rows.map((row) => row.notificationId));
}

/** With `customerId`, only a notification about one of that customer's orders is found. */
export async function getNotification(
  sql: Sql,
  notificationId: string,
  customerId?: string,
): Promise<StoredNotification | undefined> {
  const [row] = await sql.query<StoredNotification>(
    `select ${storedColumns} from notifications.notifications
     where notification_id = $1
       and ($2::uuid is null or order_id in (select order_id from notifications.orders where customer_id = $2::uuid))`,
    [notificationId, customerId ?? null],
  );
  return row;
}

export interface NotificationFilter {
  recipient?: string | undefined;
  orderId?: string | undefined;
  type?: NotificationType | undefined;
  /** Only the notifications about this customer's orders. */
  customerId?: string | undefined;
  limit: number;
}

/** Newest first. Recipients match without regard to case, as email addresses are compared in practice. */
export async function listNotifications(sql: Sql, filter: NotificationFilter): Promise<StoredNotification[]> {
  return sql.query<StoredNotification>(
    `select ${storedColumns} from notifications.notifications
     where ($1::text is null or lower(recipient) = lower($1::text))
       and ($2::uuid is null or order_id = $2::uuid)
       and ($3::text is null or type = $3::text)
       and ($5::uuid is null or order_id in (select order_id from notifications.orders where customer_id = $5::uuid))
     order by created_at desc, notification_id
     limit $4`,
    [
      filter.recipient ?? null,
      filter.orderId ?? null,
      filter.type ?? null,
      filter.limit,
      filter.customerId ?? null,
    ],
  );
}
