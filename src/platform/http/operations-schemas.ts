import { Type } from 'typebox';
import { problemResponse } from './problem.js';

/** The response schemas of the operations routes, with the examples the API docs show. */

export const HealthView = Type.Object(
  { status: Type.Literal('ok') },
  { additionalProperties: false, examples: [{ status: 'ok' }] },
);

export const ReadinessView = Type.Object(
  {
    ready: Type.Boolean(),
    checks: Type.Record(Type.String(), Type.String(), { description: '`ok`, or why the check failed.' }),
  },
  {
    additionalProperties: false,
    examples: [{ ready: true, checks: { 'OrdersService.database': 'ok', bus: 'ok' } }],
  },
);

const Counts = (description: string) =>
  Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description });

export const BacklogView = Type.Object(
  {
    drained: Type.Boolean({ description: 'True when nothing accepted is left unfinished.' }),
    outbox: Counts('Committed messages not yet published, per service.'),
    consumers: Counts('Messages stored for a consumer and not yet acknowledged, per consumer.'),
    workers: Counts('Work a background worker accepted and has not finished, per worker.'),
  },
  {
    additionalProperties: false,
    examples: [
      {
        drained: false,
        outbox: { OrdersService: 2 },
        consumers: { 'InventoryService-reserve-inventory': 1 },
        workers: { 'notification-dispatcher': 0 },
      },
    ],
  },
);

/** Stored times come back from the database as dates; the serializer writes them as ISO 8601. */
const Timestamp = Type.Unsafe<Date>({ type: 'string', format: 'date-time' });

const DeadLetterView = Type.Object(
  {
    service: Type.String(),
    id: Type.Integer({ minimum: 1 }),
    consumer: Type.String(),
    messageId: Type.String(),
    type: Type.String(),
    envelope: Type.Unknown({ description: 'The message exactly as it arrived, even when invalid.' }),
    reason: Type.String(),
    deliveries: Type.Integer({ minimum: 0 }),
    deadLetteredAt: Timestamp,
    replayedAt: Type.Union([Timestamp, Type.Null()]),
  },
  { additionalProperties: false },
);

export const DeadLettersView = Type.Object(
  { deadLetters: Type.Array(DeadLetterView) },
  {
    additionalProperties: false,
    examples: [
      {
        deadLetters: [
          {
            service: 'InventoryService',
            id: 1,
            consumer: 'InventoryService-fulfil-order',
            messageId: '9d8c7b6a-5f4e-4d3c-b2a1-0f9e8d7c6b5a',
            type: 'OrderConfirmed',
            envelope: { specversion: '1.0', type: 'OrderConfirmed', dataversion: '9.0.0' },
            reason: 'version 9.0.0 is outside the accepted range 0.0.1',
            deliveries: 1,
            deadLetteredAt: '2026-07-04T14:48:00.000Z',
            replayedAt: null,
          },
        ],
      },
    ],
  },
);

export const ReplayView = Type.Object(
  {
    outcome: Type.Union([Type.Literal('handled'), Type.Literal('duplicate'), Type.Literal('gone')], {
      description:
        '`duplicate`: the consumer had already handled the message; `gone`: another run took it first. Either way nothing changed twice.',
    }),
  },
  { additionalProperties: false, examples: [{ outcome: 'handled' }] },
);

export const MetricsText = {
  description: 'Prometheus text exposition format',
  content: {
    'text/plain': {
      schema: Type.String(),
      example:
        '# TYPE messages_handled_total counter\nmessages_handled_total{consumer="OrdersService-timeline",outcome="handled"} 12\n',
    },
  },
};

/** Any route may fail unexpectedly: the error handler then answers with this, never with the cause. */
export const unexpectedFailure = problemResponse('Something went wrong on our side; it was logged');
