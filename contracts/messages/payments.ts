import { Type } from 'typebox';
import { Money, Text, Timestamp, Uuid } from '../common.js';
import { defineCommand, defineEvent } from '../define.js';
import { exampleIds as ids, exampleTime as time } from '../examples.js';
import { PaymentMethod } from './orders.js';

const owners = ['dboyne', 'full-stack'];

const examplePaymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';
const exampleReference = 'pi_3PZ0exampleA1b2C3d4';

const Currency = Type.String({
  pattern: '^[a-z]{3}$',
  description: "ISO 4217 currency code, lower case as providers write it; PaymentService's own when absent.",
});

const PaymentId = () => Uuid('The payment: one per order, held by PaymentService.');
const OrderId = () => Uuid('The order the payment is for.');
const UserId = () => Uuid("The customer who pays: always the order's customer.");

/** Which provider operation a message is about: an authorization, a capture, a release or a refund. */
export const PaymentOperationKind = Type.Union([
  Type.Literal('authorize'),
  Type.Literal('capture'),
  Type.Literal('release'),
  Type.Literal('refund'),
]);

export const RequestPayment = defineCommand({
  id: 'RequestPayment',
  name: 'Request payment',
  version: '0.0.1',
  summary: "Authorize the order's amount with the customer's payment method, to be captured later.",
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['OrdersService'],
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.orderId,
  schema: Type.Object(
    {
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
    { additionalProperties: false, title: 'RequestPayment' },
  ),
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

export const CapturePayment = defineCommand({
  id: 'CapturePayment',
  name: 'Capture payment',
  version: '0.0.1',
  summary: "Take the authorized amount: the order's goods have left stock.",
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['OrdersService'],
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.paymentId,
  schema: Type.Object(
    {
      orderId: OrderId(),
      paymentId: PaymentId(),
      amount: Money('The amount to capture: the order total, equal to what was authorized.'),
      timestamp: Timestamp('When the capture was requested.'),
    },
    { additionalProperties: false, title: 'CapturePayment' },
  ),
  example: { orderId: ids.order, paymentId: examplePaymentId, amount: 59.98, timestamp: time },
});

export const AdjustPayment = defineCommand({
  id: 'AdjustPayment',
  name: 'Adjust payment',
  version: '0.0.1',
  summary: 'An amendment changed the order total: charge the difference, or refund it.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['OrdersService'],
  consumers: [{ service: 'PaymentService', accepts: '0.0.x' }],
  subjectOf: (command) => command.paymentId,
  schema: Type.Object(
    {
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
    { additionalProperties: false, title: 'AdjustPayment' },
  ),
  example: {
    orderId: ids.order,
    paymentId: examplePaymentId,
    amendment: 1,
    previousAmount: 59.98,
    amount: 89.97,
    timestamp: time,
  },
});

export const PaymentInitiated = defineEvent({
  id: 'PaymentInitiated',
  name: 'Payment Initiated',
  version: '0.0.1',
  summary: 'PaymentService accepted a payment for an order and starts taking it.',
  owners: ['dboyne'],
  origin: 'catalog',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      paymentId: PaymentId(),
      userId: UserId(),
      orderId: OrderId(),
      amount: Money('The amount to be paid, in major units.'),
      paymentMethod: PaymentMethod,
      timestamp: Timestamp('When the payment was initiated.'),
    },
    { additionalProperties: false, title: 'PaymentInitiated' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amount: 59.98,
    paymentMethod: 'Credit Card',
    timestamp: time,
  },
});

export const PaymentProcessed = defineEvent({
  id: 'PaymentProcessed',
  name: 'Payment Processed',
  version: '1.0.0',
  summary: 'The provider approved the payment: its amount is authorized and held for the order.',
  owners: ['dboyne'],
  origin: 'catalog',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [
    { service: 'OrdersService', accepts: '^1.0.0' },
    { service: 'NotificationService', accepts: '^1.0.0' },
  ],
  subjectOf: (event) => event.transactionId,
  schema: Type.Object(
    {
      transactionId: Uuid("The payment's id in PaymentService."),
      userId: UserId(),
      orderId: OrderId(),
      amount: Money('The amount authorized, in major units.'),
      paymentMethod: PaymentMethod,
      status: Type.Literal('confirmed', { description: 'The provider confirmed the payment.' }),
      confirmationDetails: Type.Object(
        {
          gatewayResponse: Text('What the provider answered, in short (e.g. `Approved`).'),
          transactionId: Text("The provider's reference for the payment (e.g. a PaymentIntent id).", 255),
        },
        { additionalProperties: false },
      ),
      timestamp: Timestamp('When the payment was confirmed.'),
    },
    { additionalProperties: false, title: 'PaymentProcessed' },
  ),
  example: {
    transactionId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amount: 59.98,
    paymentMethod: 'Credit Card',
    status: 'confirmed',
    confirmationDetails: { gatewayResponse: 'Approved', transactionId: exampleReference },
    timestamp: time,
  },
});

export const PaymentFailed = defineEvent({
  id: 'PaymentFailed',
  name: 'Payment failed',
  version: '0.0.1',
  summary: 'The payment could not be taken: declined, or the provider failed on every attempt.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [
    { service: 'OrdersService', accepts: '0.0.x' },
    { service: 'NotificationService', accepts: '0.0.x' },
  ],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      paymentId: PaymentId(),
      userId: UserId(),
      orderId: OrderId(),
      amount: Money('The amount that could not be taken.'),
      stage: Type.Union([Type.Literal('authorization'), Type.Literal('capture')], {
        description: 'Whether the authorization or the capture failed.',
      }),
      reason: Type.Union([Type.Literal('declined'), Type.Literal('provider_unavailable')], {
        description:
          '`declined`: the provider refused it, retrying would not help; `provider_unavailable`: every attempt failed.',
      }),
      code: Text("The provider's code for the failure (e.g. `card_declined`).", 100),
      message: Text('A description fit to show the customer.', 500),
      attempts: Type.Integer({ minimum: 1, description: 'Calls made to the provider.' }),
      timestamp: Timestamp('When the payment was given up on.'),
    },
    { additionalProperties: false, title: 'PaymentFailed' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amount: 59.98,
    stage: 'authorization',
    reason: 'declined',
    code: 'card_declined',
    message: 'Your card was declined.',
    attempts: 1,
    timestamp: time,
  },
});

export const PaymentAttemptFailed = defineEvent({
  id: 'PaymentAttemptFailed',
  name: 'Payment attempt failed',
  version: '0.0.1',
  summary: 'One call to the provider failed or went unanswered; the operation is tried again.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      paymentId: PaymentId(),
      orderId: OrderId(),
      operation: PaymentOperationKind,
      attempt: Type.Integer({ minimum: 1, description: 'The number of the call that failed.' }),
      outcome: Type.Union([Type.Literal('unavailable'), Type.Literal('unknown')], {
        description:
          '`unavailable`: the provider did nothing; `unknown`: no answer came, so the provider is asked what happened before any new call.',
      }),
      error: Text('What went wrong, without any payment data.', 500),
      nextAttemptAt: Timestamp('When the operation is tried (or the provider asked) again.'),
      timestamp: Timestamp('When the attempt failed.'),
    },
    { additionalProperties: false, title: 'PaymentAttemptFailed' },
  ),
  example: {
    paymentId: examplePaymentId,
    orderId: ids.order,
    operation: 'authorize',
    attempt: 1,
    outcome: 'unavailable',
    error: 'The provider is busy (rate_limit)',
    nextAttemptAt: time,
    timestamp: time,
  },
});

export const PaymentComplete = defineEvent({
  id: 'PaymentComplete',
  name: 'Payment complete',
  version: '0.0.2',
  summary: "The authorized amount was captured: the customer has paid for the order's goods.",
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      paymentId: PaymentId(),
      userId: UserId(),
      orderId: OrderId(),
      amount: Money('The amount captured.'),
      providerReference: Text("The provider's reference for the payment.", 255),
      timestamp: Timestamp('When the amount was captured.'),
    },
    { additionalProperties: false, title: 'PaymentComplete' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amount: 59.98,
    providerReference: exampleReference,
    timestamp: time,
  },
});

const Adjustment = {
  paymentId: PaymentId(),
  userId: UserId(),
  orderId: OrderId(),
  amendment: Type.Integer({ minimum: 1, description: 'The amendment of the order it answers.' }),
  previousAmount: Money('The order total before the amendment.'),
  amount: Money('The order total after the amendment.'),
};

export const PaymentAdjusted = defineEvent({
  id: 'PaymentAdjusted',
  name: 'Payment adjusted',
  version: '0.0.1',
  summary: 'The difference an amendment made to the order total was charged or refunded.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      ...Adjustment,
      charged: Money('The extra amount charged (0 when the total went down).'),
      refunded: Money('The amount refunded (0 when the total went up).'),
      timestamp: Timestamp('When the adjustment was settled.'),
    },
    { additionalProperties: false, title: 'PaymentAdjusted' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amendment: 1,
    previousAmount: 59.98,
    amount: 89.97,
    charged: 29.99,
    refunded: 0,
    timestamp: time,
  },
});

export const PaymentAdjustmentFailed = defineEvent({
  id: 'PaymentAdjustmentFailed',
  name: 'Payment adjustment failed',
  version: '0.0.1',
  summary:
    "The difference an amendment made could not be charged or refunded; the order's payment is as before.",
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      ...Adjustment,
      reason: Type.Union([Type.Literal('declined'), Type.Literal('provider_unavailable')]),
      code: Text("The provider's code for the failure.", 100),
      message: Text('A description fit to show the customer.', 500),
      timestamp: Timestamp('When the adjustment was given up on.'),
    },
    { additionalProperties: false, title: 'PaymentAdjustmentFailed' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    amendment: 1,
    previousAmount: 59.98,
    amount: 89.97,
    reason: 'declined',
    code: 'card_declined',
    message: 'Your card was declined.',
    timestamp: time,
  },
});

const RefundFields = {
  paymentId: PaymentId(),
  userId: UserId(),
  orderId: OrderId(),
  refundId: Text('The refund in PaymentService; also its idempotency key at the provider.', 200),
  amount: Money('The amount given back.'),
  method: Type.Union([Type.Literal('refund'), Type.Literal('authorization_release')], {
    description:
      '`refund`: captured money was paid back; `authorization_release`: the hold on the amount was lifted, nothing had been taken.',
  }),
  reason: Type.Union([Type.Literal('order_cancelled'), Type.Literal('order_amended')]),
};

export const PaymentRefunded = defineEvent({
  id: 'PaymentRefunded',
  name: 'Payment refunded',
  version: '0.0.1',
  summary: 'Money taken or held for an order was given back to the customer.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      ...RefundFields,
      providerReference: Text("The provider's reference for the refund or the released payment.", 255),
      timestamp: Timestamp('When the provider confirmed it.'),
    },
    { additionalProperties: false, title: 'PaymentRefunded' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    refundId: `${examplePaymentId}:order:refund:cancellation`,
    amount: 59.98,
    method: 'refund',
    reason: 'order_cancelled',
    providerReference: 're_3PZ0exampleE5f6G7h8',
    timestamp: time,
  },
});

export const RefundFailed = defineEvent({
  id: 'RefundFailed',
  name: 'Refund failed',
  version: '0.0.1',
  summary: 'Money owed back to a customer could not be returned; it needs someone to look at it.',
  owners,
  origin: 'project',
  context: 'payments',
  producers: ['PaymentService'],
  consumers: [],
  subjectOf: (event) => event.paymentId,
  schema: Type.Object(
    {
      ...RefundFields,
      code: Text("The provider's code for the failure.", 100),
      message: Text('What the provider said.', 500),
      attempts: Type.Integer({ minimum: 1 }),
      timestamp: Timestamp('When the refund was given up on.'),
    },
    { additionalProperties: false, title: 'RefundFailed' },
  ),
  example: {
    paymentId: examplePaymentId,
    userId: ids.customer,
    orderId: ids.order,
    refundId: `${examplePaymentId}:order:refund:cancellation`,
    amount: 59.98,
    method: 'refund',
    reason: 'order_cancelled',
    code: 'charge_disputed',
    message: 'The charge is disputed and cannot be refunded.',
    attempts: 1,
    timestamp: time,
  },
});
