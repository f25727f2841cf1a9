import { Type, type Static, type TSchema } from 'typebox';
import { exampleIds, exampleTime } from '../../../../contracts/examples.js';
import { PaymentMethod } from '../../../../contracts/index.js';
import { fromCents, type Charge, type Refund } from '../domain/index.js';
import type { PaymentDetails } from '../application/queries.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const Failure = Type.Object({
  reason: Type.String(),
  code: Type.String(),
  message: Type.String(),
  attempts: Type.Integer(),
});

const examplePaymentId = '4d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a';

/** A captured payment, as `GET /payments/{id}` shows it. */
export const paymentExample = {
  paymentId: examplePaymentId,
  orderId: exampleIds.order,
  userId: exampleIds.customer,
  status: 'captured' as const,
  amount: 59.98,
  currency: 'usd',
  paymentMethod: 'Credit Card' as const,
  charges: [
    {
      chargeId: `${examplePaymentId}:order`,
      purpose: 'order' as const,
      amount: 59.98,
      state: 'captured',
      providerReference: 'pi_3PZ0exampleA1b2C3d4',
    },
  ],
  refunds: [],
  operations: [
    {
      operationId: `${examplePaymentId}:order:authorize`,
      kind: 'authorize',
      status: 'settled' as const,
      attempts: 2,
      inDoubt: false,
      nextAttemptAt: exampleTime,
      lastError: 'processor_busy: The sandbox processor is busy',
    },
  ],
  attempts: [
    {
      operationId: `${examplePaymentId}:order:authorize`,
      operation: 'authorize',
      number: 1,
      action: 'call' as const,
      outcome: 'unavailable',
      detail: 'processor_busy: The sandbox processor is busy',
      startedAt: exampleTime,
      finishedAt: exampleTime,
    },
    {
      operationId: `${examplePaymentId}:order:authorize`,
      operation: 'authorize',
      number: 2,
      action: 'call' as const,
      outcome: 'succeeded',
      detail: 'Approved (pi_3PZ0exampleA1b2C3d4)',
      startedAt: exampleTime,
      finishedAt: exampleTime,
    },
  ],
  initiatedAt: exampleTime,
  updatedAt: exampleTime,
  correlationId: exampleIds.order,
};

export const PaymentView = Type.Object(
  {
    paymentId: Type.String({ format: 'uuid' }),
    orderId: Type.String({ format: 'uuid' }),
    userId: Type.String({ format: 'uuid', description: "The order's customer." }),
    status: Type.Union(
      [
        Type.Literal('authorizing'),
        Type.Literal('authorized'),
        Type.Literal('capturing'),
        Type.Literal('captured'),
        Type.Literal('failed'),
        Type.Literal('cancelling'),
        Type.Literal('cancelled'),
      ],
      { description: "Where the order's own charge stands; `cancelling` while money is being given back." },
    ),
    amount: Type.Number({ description: 'What the order costs now, in major units.' }),
    currency: Type.String(),
    paymentMethod: PaymentMethod,
    charges: Type.Array(
      Type.Object({
        chargeId: Type.String(),
        purpose: Type.Union([Type.Literal('order'), Type.Literal('amendment')]),
        amendment: Type.Optional(Type.Integer()),
        amount: Type.Number(),
        state: Type.String({
          description: 'authorizing, authorized, captured, released, failed or abandoned',
        }),
        providerReference: Type.Optional(Type.String()),
        failure: Type.Optional(Type.Object({ stage: Type.String(), ...Failure.properties })),
      }),
    ),
    refunds: Type.Array(
      Type.Object({
        refundId: Type.String(),
        chargeId: Type.String(),
        amount: Type.Number(),
        method: Type.Union([Type.Literal('refund'), Type.Literal('authorization_release')]),
        reason: Type.Union([Type.Literal('order_cancelled'), Type.Literal('order_amended')]),
        state: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
        providerReference: Type.Optional(Type.String()),
        failure: Type.Optional(Failure),
      }),
    ),
    operations: Type.Array(
      Type.Object({
        operationId: Type.String({ description: "Also the provider's idempotency key." }),
        kind: Type.String(),
        status: Type.Union([Type.Literal('pending'), Type.Literal('settled')]),
        attempts: Type.Integer({ description: 'Calls made to the provider.' }),
        inDoubt: Type.Boolean({
          description: 'A call went unanswered: the provider is asked before any new call.',
        }),
        nextAttemptAt: Type.String({ format: 'date-time' }),
        lastError: Nullable(Type.String()),
      }),
    ),
    attempts: Type.Array(
      Type.Object({
        operationId: Type.String(),
        operation: Type.String(),
        number: Type.Integer({ description: 'The call, counted per operation.' }),
        action: Type.Union([Type.Literal('call'), Type.Literal('lookup')], {
          description: '`lookup`: the provider was asked what became of an unanswered call.',
        }),
        outcome: Type.String(),
        detail: Nullable(Type.String()),
        startedAt: Type.String({ format: 'date-time' }),
        finishedAt: Nullable(Type.String({ format: 'date-time' })),
      }),
    ),
    cancellation: Type.Optional(Type.Object({ reason: Type.Optional(Type.String()), at: Type.String() })),
    initiatedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    correlationId: Type.String(),
  },
  { title: 'Payment', examples: [paymentExample] },
);

export function paymentView(details: PaymentDetails): Static<typeof PaymentView> {
  const { payment } = details;
  return {
    paymentId: payment.paymentId,
    orderId: payment.orderId,
    userId: payment.userId,
    status: payment.status,
    amount: fromCents(payment.amount),
    currency: payment.currency,
    paymentMethod: payment.method,
    charges: payment.charges.map(chargeView),
    refunds: payment.refunds.map(refundView),
    operations: details.operations.map((operation) => ({
      operationId: operation.operationId,
      kind: operation.kind,
      status: operation.status,
      attempts: operation.attempts,
      inDoubt: operation.inDoubt,
      nextAttemptAt: operation.nextAttemptAt.toISOString(),
      lastError: operation.lastError,
    })),
    attempts: details.attempts.map((attempt) => ({
      operationId: attempt.operationId,
      operation: attempt.kind,
      number: attempt.number,
      action: attempt.action,
      outcome: attempt.outcome,
      detail: attempt.detail,
      startedAt: attempt.startedAt.toISOString(),
      finishedAt: attempt.finishedAt?.toISOString() ?? null,
    })),
    ...(payment.cancellation ? { cancellation: payment.cancellation } : {}),
    initiatedAt: payment.initiatedAt,
    updatedAt: details.updatedAt.toISOString(),
    correlationId: details.correlationId,
  };
}

const chargeView = (charge: Charge) => ({
  chargeId: charge.chargeId,
  purpose: charge.purpose.kind,
  ...(charge.purpose.kind === 'amendment' ? { amendment: charge.purpose.amendment } : {}),
  amount: fromCents(charge.amount),
  state: charge.state,
  ...(charge.reference === undefined ? {} : { providerReference: charge.reference }),
  ...(charge.failure === undefined ? {} : { failure: charge.failure }),
});

const refundView = (refund: Refund) => ({
  refundId: refund.refundId,
  chargeId: refund.chargeId,
  amount: fromCents(refund.amount),
  method: refund.method,
  reason: refund.reason,
  state: refund.state,
  ...(refund.reference === undefined ? {} : { providerReference: refund.reference }),
  ...(refund.failure === undefined ? {} : { failure: refund.failure }),
});
