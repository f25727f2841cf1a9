import { acceptedRange, type Envelope, type ServiceId } from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';
import { inProcessSpan } from '../observability/message-spans.js';
import { admitMessage, admitObserved, type Admission } from './admission.js';
import type { MessageHandler, MessageObserver } from './handler.js';
import type { Outbox, UnitOfWorkOutcome } from './outbox.js';
import { actorOf, type UnitOfWork } from './unit-of-work.js';

export interface AdmittedMessage {
  readonly envelope: Envelope;
  readonly payload: unknown;
}

/** A handler or observer, reduced to what the consumer group needs. */
export interface Consumer {
  readonly name: string;
  readonly channels: readonly string[];
  /** Its I/O is set-based and locks rows in sorted order: batches of it may run at once on a pool. */
  readonly setBased: boolean;
  /**
   * Whether an inbox makes it apply each message once. An observer keeps none: recording a message it
   * holds already changes nothing, so a redelivery needs no slot to be told apart.
   */
  readonly keepsInbox: boolean;
  admit(envelope: Envelope): Admission;
  /** Runs the admitted messages in the caller's transaction: with an inbox, those it let through. */
  run(tx: Sql, messages: readonly AdmittedMessage[]): Promise<UnitOfWorkOutcome<void>>;
}

export interface RunnerContext {
  readonly service: ServiceId;
  readonly outbox: Outbox;
  readonly bus: { readonly system: string };
}

const originOf = (envelope: Envelope) => ({
  correlationId: envelope.correlationid,
  causationId: envelope.id,
  traceparent: envelope.traceparent,
  ...actorOf(envelope),
});

/** `watchers` record the messages it handles, in its transaction: the bus need not deliver them twice. */
export function handlerConsumer(
  context: RunnerContext,
  name: string,
  handler: MessageHandler,
  watchers: readonly Consumer[] = [],
): Consumer {
  const { service, outbox } = context;
  const range = acceptedRange(handler.contract, service);
  if (!range) {
    throw new Error(
      `${service} handles ${handler.contract.id} but the registry does not list it as a consumer`,
    );
  }
  const span = <T>(message: AdmittedMessage, work: () => Promise<T>) =>
    inProcessSpan({ ...context, consumer: name, ...message }, work);
  return {
    name,
    channels: [handler.contract.channel],
    setBased: 'handleBatch' in handler && watchers.every((watcher) => watcher.setBased),
    keepsInbox: true,
    admit: (envelope) => admitMessage(handler, range, envelope),
    run: async (tx, messages) => {
      const handled = await outbox.withinEach(
        tx,
        messages.map(({ envelope }) => originOf(envelope)),
        async (uows) => {
          const items = messages.map((message, index) => ({
            message,
            uow: uows[index] as UnitOfWork,
          }));
          if ('handleBatch' in handler) {
            const [first] = messages;
            if (first) await span(first, () => handler.handleBatch(items, tx));
            return;
          }
          for (const { message, uow } of items) await span(message, () => handler.handle(message, uow));
        },
      );
      const outcomes = [handled];
      for (const watcher of watchers) outcomes.push(await watcher.run(tx, messages));
      return merged(outcomes);
    },
  };
}

function merged(outcomes: readonly UnitOfWorkOutcome<void>[]): UnitOfWorkOutcome<void> {
  return {
    result: undefined,
    resumed: outcomes.flatMap((outcome) => outcome.resumed),
    announcements: outcomes.flatMap((outcome) => outcome.announcements),
  };
}

export function observerConsumer(context: RunnerContext, name: string, observer: MessageObserver): Consumer {
  return {
    name,
    channels: observer.channels,
    setBased: true,
    keepsInbox: false,
    admit: admitObserved,
    run: async (tx, messages) => {
      const [first] = messages;
      if (!first) return { result: undefined, resumed: [], announcements: [] };
      const envelopes = messages.map(({ envelope }) => envelope);
      return inProcessSpan({ ...context, consumer: name, ...first }, () =>
        context.outbox.within(tx, originOf(first.envelope), (uow) => observer.record(envelopes, uow)),
      );
    },
  };
}
