import { randomUUID } from 'node:crypto';
import type { Envelope, MessageContract, PayloadOf } from '../../contracts/index.js';
import type { OutgoingMessage } from '../../src/platform/messaging/bus.js';
import { childTraceparent } from '../../src/platform/messaging/trace.js';

/** The source of the envelopes tests deliver, unless overridden. */
export const testSource = '/orders-domain/test';

/**
 * A valid CloudEvents envelope carrying `payload` as `contract`'s current version, as a producer
 * would publish it. `overrides` replaces any attribute, including `data` and `dataversion`, to
 * build invalid or out-of-range messages.
 */
export function envelopeFor<C extends MessageContract>(
  contract: C,
  payload: PayloadOf<C>,
  overrides: Partial<Envelope> = {},
): Envelope<PayloadOf<C>> {
  const id = overrides.id ?? randomUUID();
  return {
    specversion: '1.0',
    id,
    source: testSource,
    type: contract.id,
    time: new Date().toISOString(),
    subject: contract.subjectOf(payload),
    datacontenttype: 'application/json',
    dataversion: contract.version,
    correlationid: randomUUID(),
    idempotencykey: id,
    traceparent: childTraceparent(),
    data: payload,
    ...overrides,
  } as Envelope<PayloadOf<C>>;
}

/** The envelope with the channel it travels on, ready for `bus.publish([...])`. */
export function messageFor<C extends MessageContract>(
  contract: C,
  payload: PayloadOf<C>,
  overrides: Partial<Envelope> = {},
): OutgoingMessage {
  return { channel: contract.channel, envelope: envelopeFor(contract, payload, overrides) };
}

/**
 * What a service spec sends messages with: the payload as the contract in a new envelope, handed to
 * `deliver`, then the envelope returned.
 */
export function envelopeSender(deliver: (contract: MessageContract, envelope: Envelope) => Promise<void>) {
  return async <C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    overrides: Partial<Envelope> = {},
  ): Promise<Envelope<PayloadOf<C>>> => {
    const envelope = envelopeFor(contract, payload, overrides);
    await deliver(contract, envelope);
    return envelope;
  };
}
