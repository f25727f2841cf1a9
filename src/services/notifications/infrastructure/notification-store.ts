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

/** Keeps the newest contact details: an older OrderPlaced arriving late does not overwrite newer ones. */
export async function upsertRecipient(sql: Sql, recipient: Recipient, asOf: string): Promise<void> {
  await sql.query(
    `insert into notifications.recipients (customer_id, name, email, phone, updated_at)
     values ($1, $2, $3, $4, $5)
     on conflict (customer_id) do update
       set name = excluded.name, email = excluded.email, phone = excluded.phone, updated_at = excluded.updated_at
       where notifications.recipients.updated_at <= excluded.updated_at`,
    [recipient.customerId, recipient.name, recipient.email, recipient.phone, asOf],
  );
}

export async function rememberOrder(sql: Sql, order: RememberedOrder): Promise<void> {
  await sql.query(
    `insert into notifications.orders (order_id, customer_id, items, total_amount)
     values ($1, $2, $3::jsonb, $4)
     on conflict (order_id) do nothing`,
    [order.orderId, order.customerId, JSON.stringify(order.items), order.totalAmount],
  );
}

export async function findRecipient(sql: Sql, customerId: string): Promise<Recipient | undefined> {
  const [row] = await sql.query<Recipient>(
    `select customer_id as "customerId", name, email, phone
     from notifications.recipients where customer_id = $1`,
    [customerId],
  );
  return row;
}

export async function findOrder(sql: Sql, orderId: string): Promise<RememberedOrder | undefined> {
  const [row] = await sql.query<RememberedOrder>(
    `select order_id as "orderId", customer_id as "customerId", items, total_amount as "totalAmount"
     from notifications.orders where order_id = $1`,
    [orderId],
  );
  return row;
}

/** Inserts the notification unless this message already produced one of its type and channel. */
export async function insertNotification(sql: Sql, notification: NewNotification): Promise<boolean> {
  const rows = await sql.query(
    `insert into notifications.notifications
       (notification_id, type, channel, recipient, subject, content, order_id, source_message_id,
        correlation_id, traceparent, actor_id, actor_role, status, next_attempt_at, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'pending', now(), $13)
     on conflict (source_message_id, type, channel) do nothing
     returning 1`,
    [
      notification.notificationId,
      notification.type,
      notification.channel,
      notification.recipient,
      notification.subject,
      notification.text,
      notification.orderId,
      notification.sourceMessageId,
      notification.correlationId,
      notification.traceparent ?? null,
      notification.actor?.id ?? null,
      notification.actor?.role ?? null,
      notification.createdAt,
    ],
  );
  return rows.length === 1;
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

/** Records a delivery; false when the notification is no longer pending (another dispatcher settled it). */
export async function markDelivered(
  sql: Sql,
  notificationId: string,
  outcome: { status: 'sent' | 'recorded'; providerMessageId: string | null; at: Date },
): Promise<boolean> {
  const rows = await sql.query(
    `update notifications.notifications
     set status = $2, sent_at = $3, provider_message_id = $4, lease_until = null, last_error = null
     where notification_id = $1 and status = 'pending'
     returning 1`,
    [notificationId, outcome.status, outcome.at, outcome.providerMessageId],
  );
  return rows.length === 1;
}

export async function markFailed(sql: Sql, notificationId: string, error: string): Promise<boolean> {
  const rows = await sql.query(
    `update notifications.notifications
     set status = 'failed', last_error = $2, lease_until = null
     where notification_id = $1 and status = 'pending'
     returning 1`,
    [notificationId, error],
  );
  return rows.length === 1;
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
