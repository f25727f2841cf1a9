import { Type } from 'typebox';
import { Money, Text, Timestamp, Uuid } from '../../common.js';
import { eventsOf } from '../../define.js';
import { exampleIds as ids, exampleTime as time } from '../../examples.js';
import { PaymentMethod } from '../orders.js';
import {
  exampleParties,
  examplePaymentId,
  exampleReference,
  OrderId,
  parties,
  PaymentId,
  PaymentOperationKind,
  paymentEvent,
  UserId,
} from './fields.js';

const catalogEvent = eventsOf({
  owners: ['dboyne'],
  origin: 'catalog',
  context: 'payments',
  producers: ['PaymentService'],
});

export const PaymentInitiated = catalogEvent({
  id: 'PaymentInitiated',
  name: 'Payment Initiated',
  version: '0.0.1',
  summary: 'PaymentService accepted a payment for an order and starts taking it.',
  consumers: [],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...parties(),
    amount: Money('The amount to be paid, in major units.'),
    paymentMethod: PaymentMethod,
    timestamp: Timestamp('When the payment was initiated.'),
  },
  example: { ...exampleParties, amount: 59.98, paymentMethod: 'Credit Card', timestamp: time },
});

export const PaymentProcessed = catalogEvent({
  id: 'PaymentProcessed',
  name: 'Payment Processed',
  version: '1.0.0',
  summary: 'The provider approved the payment: its amount is authorized and held for the order.',
  consumers: [
    { service: 'OrdersService', accepts: '^1.0.0' },
    { service: 'NotificationService', accepts: '^1.0.0' },
  ],
  subjectOf: (event) => event.transactionId,
  fields: {
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

export const PaymentFailed = paymentEvent({
  id: 'PaymentFailed',
  name: 'Payment failed',
  version: '0.0.1',
  summary: 'The payment could not be taken: declined, or the provider failed on every attempt.',
  consumers: [
    { service: 'OrdersService', accepts: '0.0.x' },
    { service: 'NotificationService', accepts: '0.0.x' },
  ],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...parties(),
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
  example: {
    ...exampleParties,
    amount: 59.98,
    stage: 'authorization',
    reason: 'declined',
    code: 'card_declined',
    message: 'Your card was declined.',
    attempts: 1,
    timestamp: time,
  },
});

export const PaymentAttemptFailed = paymentEvent({
  id: 'PaymentAttemptFailed',
  name: 'Payment attempt failed',
  version: '0.0.1',
  summary: 'One call to the provider failed or went unanswered; the operation is tried again.',
  consumers: [],
  subjectOf: (event) => event.paymentId,
  fields: {
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

export const PaymentComplete = paymentEvent({
  id: 'PaymentComplete',
  name: 'Payment complete',
  version: '0.0.2',
  summary: "The authorized amount was captured: the customer has paid for the order's goods.",
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.paymentId,
  fields: {
    ...parties(),
    amount: Money('The amount captured.'),
    providerReference: Text("The provider's reference for the payment.", 255),
    timestamp: Timestamp('When the amount was captured.'),
  },
  example: { ...exampleParties, amount: 59.98, providerReference: exampleReference, timestamp: time },
});
