import type { Envelope, MessageContract, PayloadOf } from '../../../../contracts/index.js';
import type { IdGenerator } from '../../../platform/kernel/ids.js';
import { Deferral } from '../../../platform/messaging/deferral.js';
import { defineHandler, type MessageHandler } from '../../../platform/messaging/handler.js';
import type { UnitOfWork } from '../../../platform/messaging/unit-of-work.js';
import type { Sql } from '../../../platform/db/database.js';
import { render, type NotificationContent } from '../domain/templates.js';
import {
  findOrders,
  findRecipients,
  insertNotifications,
  type NewNotification,
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

/** How a handler turns the messages of a batch into emails. */
interface BatchEmails<C extends MessageContract, Known> {
  /** Reads what the batch's emails need: one statement per table for the whole batch. */
  lookUp(sql: Sql, payloads: readonly PayloadOf<C>[]): Promise<Known>;
  email(payload: PayloadOf<C>, deps: HandlerDependencies, known: Known): EmailNotification | undefined;
}

/**
 * The one way a notification handler runs: it turns each message of a batch into one email, or
 * none when `email` returns none, and creates them in one statement, rendered once and stored as
 * sent: later template changes never rewrite what a customer was told. A message delivered again
 * creates nothing (unique source message, type and channel). A message that throws fails the
 * batch, which the runner then tries one message at a time.
 */
const batchEmailHandler =
  <C extends MessageContract, Known>(
    spec: { readonly name: string; readonly contract: C } & BatchEmails<C, Known>,
  ) =>
  (deps: HandlerDependencies): MessageHandler =>
    defineHandler({
      name: spec.name,
      contract: spec.contract,
      async handleBatch(items, sql) {
        const known = await spec.lookUp(
          sql,
          items.map(({ message }) => message.payload),
        );
        const notifications = items.flatMap(({ message, uow }) => {
          const email = spec.email(message.payload, deps, known);
          return email ? [newNotification(email, message.envelope, uow, deps)] : [];
        });
        // Before commit: on a single connection the dispatcher's claim waits for this transaction;
        // on a pool it may run first and miss the rows, which its next poll picks up.
        if ((await insertNotifications(sql, notifications)) > 0) deps.bell.ring();
      },
    });

function newNotification(
  email: EmailNotification,
  envelope: Envelope,
  uow: UnitOfWork,
  deps: HandlerDependencies,
): NewNotification {
  const { subject, text } = render(email.content);
  return {
    notificationId: deps.ids.next(),
    type: email.content.type,
    channel: 'email',
    recipient: email.to,
    subject,
    text,
    orderId: email.orderId ?? null,
    sourceMessageId: envelope.id,
    correlationId: envelope.correlationid,
    traceparent: currentTraceparent(envelope.traceparent),
    actor: uow.origin.actor,
    createdAt: uow.now,
  };
}

/** A handler that turns each message of its contract into one email, or none when `email` returns none. */
export const emailHandler = <C extends MessageContract>(spec: {
  readonly name: string;
  readonly contract: C;
  email(payload: PayloadOf<C>, deps: HandlerDependencies): EmailNotification | undefined;
}) => batchEmailHandler({ ...spec, lookUp: () => Promise.resolve(undefined) });

/** What a message about an order waits for when it arrives before the order's OrderPlaced. */
export const orderPlacedFact = (orderId: string) => `order-placed:${orderId}`;

/** The customers and orders a batch's messages name, as OrderPlaced told them. */
interface CustomerOrders {
  readonly recipients: ReadonlyMap<string, Recipient>;
  readonly orders: ReadonlyMap<string, RememberedOrder>;
}

/**
 * The customer and the order as OrderPlaced told them. Events of different consumers arrive in any
 * order, so a message about an order not seen yet is deferred: the runner parks it until
 * `remember-order` handles the order's OrderPlaced, however long that takes.
 */
function requireCustomerOrder(
  known: CustomerOrders,
  customerId: string,
  orderId: string,
): { recipient: Recipient; order: RememberedOrder } {
  const [recipient, order] = [known.recipients.get(customerId), known.orders.get(orderId)];
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
  batchEmailHandler({
    name: spec.name,
    contract: spec.contract,
    async lookUp(sql, payloads): Promise<CustomerOrders> {
      const ids: readonly CustomerOrderIds[] = payloads;
      return {
        recipients: await findRecipients(
          sql,
          ids.map((payload) => payload.userId),
        ),
        orders: await findOrders(
          sql,
          ids.map((payload) => payload.orderId),
        ),
      };
    },
    email(payload: PayloadOf<C>, _deps, known) {
      const { userId, orderId }: CustomerOrderIds = payload;
      const { recipient, order } = requireCustomerOrder(known, userId, orderId);
      const content = { ...spec.content(payload, order), customerName: recipient.name, orderId };
      return { to: recipient.email, orderId, content };
    },
  });
