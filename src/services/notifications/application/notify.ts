import type { Envelope } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { Deferral } from '../../../platform/messaging/deferral.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import { render, type NotificationContent } from '../domain/templates.js';
import {
  findOrder,
  findRecipient,
  insertNotification,
  type Recipient,
  type RememberedOrder,
} from '../infrastructure/notification-store.js';
import { currentTraceparent } from '../../../platform/observability/message-spans.js';

/** What the notification handlers need besides their unit of work. */
export interface HandlerDependencies {
  readonly ids: IdGenerator;
  /** Where inventory alerts go. */
  readonly alertsEmail: string;
  /** Wakes the dispatcher when a notification was created. */
  readonly bell: { ring(): void };
}

/**
 * Creates the notification a message asks for, in the handler's transaction, rendered once and
 * stored as sent: later template changes never rewrite what a customer was told. A message
 * delivered again creates nothing (unique source message, type and channel).
 */
export async function createEmailNotification(
  uow: UnitOfWork,
  envelope: Envelope,
  deps: HandlerDependencies,
  notification: { to: string; content: NotificationContent; orderId?: string | undefined },
): Promise<void> {
  const { subject, text } = render(notification.content);
  const created = await insertNotification(uow.sql, {
    notificationId: deps.ids.next(),
    type: notification.content.type,
    channel: 'email',
    recipient: notification.to,
    subject,
    text,
    orderId: notification.orderId ?? null,
    sourceMessageId: envelope.id,
    correlationId: envelope.correlationid,
    traceparent: currentTraceparent(envelope.traceparent),
    actor: uow.origin.actor,
    createdAt: uow.now,
  });
  // Before commit: on a single connection the dispatcher's claim waits for this transaction; on a
  // pool it may run first and miss the row, which its next poll picks up.
  if (created) deps.bell.ring();
}

/** What a message about an order waits for when it arrives before the order's OrderPlaced. */
export const orderPlacedFact = (orderId: string) => `order-placed:${orderId}`;

/**
 * The customer and the order as OrderPlaced told them. Events of different consumers arrive in any
 * order, so a message about an order not seen yet is deferred: the runner parks it until
 * `remember-order` handles the order's OrderPlaced, however long that takes.
 */
export async function requireCustomerOrder(
  uow: UnitOfWork,
  customerId: string,
  orderId: string,
): Promise<{ recipient: Recipient; order: RememberedOrder }> {
  const [recipient, order] = [await findRecipient(uow.sql, customerId), await findOrder(uow.sql, orderId)];
  if (!recipient || !order) {
    const missing = [recipient ? [] : [`customer ${customerId}`], order ? [] : [`order ${orderId}`]].flat();
    throw new Deferral(orderPlacedFact(orderId), `No OrderPlaced handled yet for ${missing.join(' and ')}`);
  }
  return { recipient, order };
}

/** The product's name as the order listed it, when it did. */
export function productNameIn(order: RememberedOrder, productId: string): string | undefined {
  return order.items.find((item) => item.productId === productId)?.productName;
}
