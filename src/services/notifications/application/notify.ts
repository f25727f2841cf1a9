import type { Envelope, MessageContract, PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { Deferral } from '../../../platform/messaging/deferral.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
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

/** One email to create: its recipient, its facts, and the order it is about, if any. */
export interface EmailNotification {
  to: string;
  content: NotificationContent;
  orderId?: string | undefined;
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
  notification: EmailNotification,
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

/** A handler that turns each message of its contract into one email, or none when `email` returns none. */
export const emailHandler =
  <C extends MessageContract>(spec: {
    readonly name: string;
    readonly contract: C;
    email(
      payload: PayloadOf<C>,
      deps: HandlerDependencies,
      uow: UnitOfWork,
    ): EmailNotification | undefined | Promise<EmailNotification | undefined>;
  }) =>
  (deps: HandlerDependencies): MessageHandler =>
    defineHandler({
      name: spec.name,
      contract: spec.contract,
      async handle({ envelope, payload }, uow) {
        const email = await spec.email(payload, deps, uow);
        if (email) await createEmailNotification(uow, envelope, deps, email);
      },
    });

/** What every message about a customer's order names. */
interface CustomerOrderIds {
  readonly userId: string;
  readonly orderId: string;
}

type OmitFromEach<Union, Key extends PropertyKey> = Union extends unknown ? Omit<Union, Key> : never;

/** The contents addressed to the customer of an order, less the name and order id filled in for them. */
type CustomerOrderContent = OmitFromEach<
  Extract<NotificationContent, { customerName: string; orderId: string }>,
  'customerName' | 'orderId'
>;

/**
 * A handler that emails the customer about their order, addressed and named as OrderPlaced told
 * them (deferred until then, see `requireCustomerOrder`); `content` gives the rest of the email.
 */
export const customerOrderEmailHandler = <C extends MessageContract>(spec: {
  readonly name: string;
  readonly contract: C & { readonly example: CustomerOrderIds };
  content(payload: PayloadOf<C>, order: RememberedOrder): CustomerOrderContent;
}) =>
  emailHandler({
    name: spec.name,
    contract: spec.contract,
    async email(payload: PayloadOf<C>, _deps, uow) {
      const { userId, orderId }: CustomerOrderIds = payload;
      const { recipient, order } = await requireCustomerOrder(uow, userId, orderId);
      const content = { ...spec.content(payload, order), customerName: recipient.name, orderId };
      return { to: recipient.email, orderId, content };
    },
  });
