import { Type } from 'typebox';
import { Money, Text, Timestamp } from '../../common.js';
import { commandsOf } from '../../define.js';
import { exampleIds as ids, exampleTime as time } from '../../examples.js';
import { PaymentMethod } from '../orders.js';
import { Currency, examplePaymentId, OrderId, PaymentId, projectMessage, UserId } from './fields.js';

/** The order saga sends PaymentService its commands. */
const ordersCommand = commandsOf({ ...projectMessage, producers: ['OrdersService'] });

export const RequestPayment = ordersCommand({
  id: 'RequestPayment',
  name: 'Request payment',
  version: '0.0.1',
  summary: "Authorize the order's amount with the customer's payment method, to be captured later.",
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.orderId,
  fields: {
    orderId: OrderId(),
    userId: UserId(),
    amount: Money('The amount to authorize, in major units.'),
    currency: Type.Optional(Currency),
    paymentMethod: PaymentMethod,
    paymentToken: Text(
      "The provider's token for the customer's payment method (the order's `payment.transactionId`); never card data.",
      100,
    ),
    timestamp: Timestamp('When the payment was requested.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    amount: 59.98,
    currency: 'usd',
    paymentMethod: 'Credit Card',
    paymentToken: 'tok_visa',
    timestamp: time,
  },
});

export const CapturePayment = ordersCommand({
  id: 'CapturePayment',
  name: 'Capture payment',
  version: '0.0.1',
  summary: "Take the authorized amount: the order's goods have left stock.",
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.paymentId,
  fields: {
    orderId: OrderId(),
    paymentId: PaymentId(),
    amount: Money('The amount to capture: the order total, equal to what was authorized.'),
    timestamp: Timestamp('When the capture was requested.'),
  },
  example: { orderId: ids.order, paymentId: examplePaymentId, amount: 59.98, timestamp: time },
});

export const AdjustPayment = ordersCommand({
  id: 'AdjustPayment',
  name: 'Adjust payment',
  version: '0.0.1',
  summary: 'An amendment changed the order total: charge the difference, or refund it.',
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.paymentId,
  fields: {
    orderId: OrderId(),
    paymentId: PaymentId(),
    amendment: Type.Integer({
      minimum: 1,
      description: 'Which amendment of the order this is (1 for the first): one adjustment per amendment.',
    }),
    previousAmount: Money('The order total before the amendment.'),
    amount: Money('The order total after the amendment.'),
    timestamp: Timestamp('When the adjustment was requested.'),
  },
  example: {
    orderId: ids.order,
    paymentId: examplePaymentId,
    amendment: 1,
    previousAmount: 59.98,
    amount: 89.97,
    timestamp: time,
  },
});
