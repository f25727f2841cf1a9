import { Type, type Static } from 'typebox';

/**
 * CloudEvents 1.0 (structured JSON mode), the one envelope on every transport.
 * Extension attribute names follow the CloudEvents naming rule: lowercase letters and digits only.
 */
export const Envelope = Type.Object(
  {
    specversion: Type.Literal('1.0'),
    id: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'Unique per message; the de-duplication key.',
    }),
    source: Type.String({
      minLength: 1,
      description: 'The producing service, e.g. `/orders-domain/OrdersService`.',
    }),
    type: Type.String({ minLength: 1, description: 'The message id from the contract registry.' }),
    time: Type.String({ format: 'date-time' }),
    subject: Type.String({ minLength: 1, description: 'The aggregate the message is about.' }),
    datacontenttype: Type.Literal('application/json'),
    dataversion: Type.String({
      pattern: '^\\d+\\.\\d+\\.\\d+$',
      description: 'The version of the message contract the data conforms to.',
    }),
    correlationid: Type.String({
      minLength: 1,
      description: 'Shared by every message of one business flow.',
    }),
    causationid: Type.Optional(
      Type.String({ minLength: 1, description: 'The id of the message that caused it.' }),
    ),
    actorid: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 255,
        description:
          'Who caused the message: the subject of the authenticated request the flow started from (absent when no one did, e.g. a scheduled job).',
      }),
    ),
    actorrole: Type.Optional(
      Type.Union([Type.Literal('customer'), Type.Literal('staff'), Type.Literal('admin')], {
        description: 'The role of `actorid` when it caused the message.',
      }),
    ),
    idempotencykey: Type.String({ minLength: 1, description: 'Stable across retries of the same intent.' }),
    traceparent: Type.String({
      pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      description: 'W3C trace context.',
    }),
    data: Type.Unknown(),
  },
  { additionalProperties: false, title: 'CloudEventEnvelope' },
);

export type Envelope<Data = unknown> = Omit<Static<typeof Envelope>, 'data'> & { data: Data };

export const sourceOf = (service: string) => `/orders-domain/${service}`;
