import { Type } from 'typebox';
import { Money, Text, Timestamp } from '../../common.js';
import { exampleTime as time } from '../../examples.js';
import { exampleParties, examplePaymentId, parties, paymentEvent } from './fields.js';

/** What the two answers to an amendment share: which amendment, and the totals before and after it. */
const Adjustment = {
  ...parties(),
  amendment: Type.Integer({ minimum: 1, description: 'The amendment of the order it answers.' }),
  previousAmount: Money('The order total before the amendment.'),
  amount: Money('The order total after the amendment.'),
};

const exampleAdjustment = { ...exampleParties, amendment: 1, previousAmount: 59.98, amount: 89.97 };

export const PaymentAdjusted = paymentEvent({
  id: 'PaymentAdjusted',
  name: 'Payment adjusted',
  version: '0.0.1',
  summary: 'The difference an amendment made to the order total was charged or refunded.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...Adjustment,
    charged: Money('The extra amount charged (0 when the total went down).'),
    refunded: Money('The amount refunded (0 when the total went up).'),
    timestamp: Timestamp('When the adjustment was settled.'),
  },
  example: { ...exampleAdjustment, charged: 29.99, refunded: 0, timestamp: time },
});

export const PaymentAdjustmentFailed = paymentEvent({
  id: 'PaymentAdjustmentFailed',
  name: 'Payment adjustment failed',
  version: '0.0.1',
  summary:
    "The difference an amendment made could not be charged or refunded; the order's payment is as before.",
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...Adjustment,
    reason: Type.Union([Type.Literal('declined'), Type.Literal('provider_unavailable')]),
    code: Text("The provider's code for the failure.", 100),
    message: Text('A description fit to show the customer.', 500),
    timestamp: Timestamp('When the adjustment was given up on.'),
  },
  example: {
    ...exampleAdjustment,
    reason: 'declined',
    code: 'card_declined',
    message: 'Your card was declined.',
    timestamp: time,
  },
});

/** What a refund and its failure share: the money owed back, how, and why. */
const RefundFields = {
  ...parties(),
  refundId: Text('The refund in PaymentService; also its idempotency key at the provider.', 200),
  amount: Money('The amount given back.'),
  method: Type.Union([Type.Literal('refund'), Type.Literal('authorization_release')], {
    description:
      '`refund`: captured money was paid back; `authorization_release`: the hold on the amount was lifted, nothing had been taken.',
  }),
  reason: Type.Union([Type.Literal('order_cancelled'), Type.Literal('order_amended')]),
};

const exampleRefund = {
  ...exampleParties,
  refundId: `${examplePaymentId}:order:refund:cancellation`,
  amount: 59.98,
  method: 'refund',
  reason: 'order_cancelled',
} as const;

export const PaymentRefunded = paymentEvent({
  id: 'PaymentRefunded',
  name: 'Payment refunded',
  version: '0.0.1',
  summary: 'Money taken or held for an order was given back to the customer.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...RefundFields,
    providerReference: Text("The provider's reference for the refund or the released payment.", 255),
    timestamp: Timestamp('When the provider confirmed it.'),
  },
  example: { ...exampleRefund, providerReference: 're_3PZ0exampleE5f6G7h8', timestamp: time },
});

export const RefundFailed = paymentEvent({
  id: 'RefundFailed',
  name: 'Refund failed',
  version: '0.0.1',
  summary: 'Money owed back to a customer could not be returned; it needs someone to look at it.',
  consumers: [],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...RefundFields,
    code: Text("The provider's code for the failure.", 100),
    message: Text('What the provider said.', 500),
    attempts: Type.Integer({ minimum: 1 }),
    timestamp: Timestamp('When the refund was given up on.'),
  },
  example: {
    ...exampleRefund,
    code: 'charge_disputed',
    message: 'The charge is disputed and cannot be refunded.',
    attempts: 1,
    timestamp: time,
  },
});
