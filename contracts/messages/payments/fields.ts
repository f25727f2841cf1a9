import { Type } from 'typebox';
import { Uuid } from '../../common.js';
import { eventsOf } from '../../define.js';
import { exampleIds as ids } from '../../examples.js';

/** What the payment messages this project added declare alike: who owns them, and where they come from. */
export const projectMessage = {
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  context: 'payments',
} as const;

export const examplePaymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
export const exampleReference = 'pi_3PZ0exampleA1b2C3d4';

export const Currency = Type.String({
  pattern: '^[a-z]{3}$',
  description: "ISO 4217 currency code, lower case as providers write it; PaymentService's own when absent.",
});

export const PaymentId = () => Uuid('The payment: one per order, held by PaymentService.');
export const OrderId = () => Uuid('The order the payment is for.');
export const UserId = () => Uuid("The customer who pays: always the order's customer.");

/** The payment, the customer who pays and the order it is for: the first fields of most payment events. */
export const parties = () => ({ paymentId: PaymentId(), userId: UserId(), orderId: OrderId() });

export const exampleParties = {
  paymentId: examplePaymentId,
  userId: ids.customer,
  orderId: ids.order,
} as const;

/** Which provider operation a message is about: an authorization, a capture, a release or a refund. */
export const PaymentOperationKind = Type.Union([
  Type.Literal('authorize'),
  Type.Literal('capture'),
  Type.Literal('release'),
  Type.Literal('refund'),
]);

/** Declares the events PaymentService publishes of its own. */
export const paymentEvent = eventsOf({ ...projectMessage, producers: ['PaymentService'] });
