import {
  sourceOf,
  violationsOf,
  type Envelope,
  type MessageContract,
  type PayloadOf,
  type ServiceId,
} from '../../../contracts/index.js';
import type { Sql } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { IdGenerator } from '../kernel/ids.js';
import { ContractViolation } from '../kernel/errors.js';
import type { OutgoingMessage } from './bus.js';
import { traceparentOfEmitted } from '../observability/message-spans.js';

/** What the messages emitted in a unit of work inherit from what started it. */
export interface MessageOrigin {
  readonly correlationId: string;
  /** The message being handled; absent when a client's request started the flow. */
  readonly causationId?: string;
  readonly traceparent?: string;
  /** Who caused the flow, when an authenticated request did; every message of the flow carries it on. */
  readonly actor?: Actor;
}

export interface Actor {
  readonly id: string;
  readonly role: 'customer' | 'staff' | 'admin';
}

/** The actor a received message carries, for the messages it causes in turn. */
export const actorOf = (envelope: Envelope): { actor?: Actor } =>
  envelope.actorid && envelope.actorrole ? { actor: { id: envelope.actorid, role: envelope.actorrole } } : {};

/** The actor a queued job kept in its nullable columns, for the messages its worker emits. */
export const storedActor = (stored: {
  readonly actorId: string | null;
  readonly actorRole: Actor['role'] | null;
}): { actor?: Actor } =>
  stored.actorId && stored.actorRole ? { actor: { id: stored.actorId, role: stored.actorRole } } : {};

export interface EmitOptions {
  /** Use this envelope id (e.g. an id the payload already carries). */
  readonly id?: string;
  /** Overrides the default key: derived from the causing message, or else the envelope id. */
  readonly idempotencyKey?: string;
}

/** One transaction of a service: its SQL and the messages it emits, committed together. */
export interface UnitOfWork {
  readonly sql: Sql;
  readonly now: Date;
  readonly origin: MessageOrigin;
  emit<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    options?: EmitOptions,
  ): Envelope<PayloadOf<C>>;
  /**
   * Declares that `awaited` holds from this commit on: messages of this service parked with a
   * `Deferral` on that key run again.
   */
  resume(awaited: string): void;
}

export interface UnitOfWorkDependencies {
  readonly service: ServiceId;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** The bus the messages travel on, named as the messaging spans name it. */
  readonly messagingSystem?: string | undefined;
}

/** Builds the envelopes of one unit of work, validating each payload against its contract. */
export class MessageCollector {
  readonly messages: OutgoingMessage[] = [];
  readonly #deps: UnitOfWorkDependencies;
  readonly #origin: MessageOrigin;
  readonly #now: Date;

  constructor(deps: UnitOfWorkDependencies, origin: MessageOrigin, now: Date) {
    this.#deps = deps;
    this.#origin = origin;
    this.#now = now;
  }

  emit<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    options: EmitOptions = {},
  ): Envelope<PayloadOf<C>> {
    if (!contract.producers.includes(this.#deps.service)) {
      throw new ContractViolation(`${this.#deps.service} is not a declared producer of ${contract.id}`, []);
    }
    const violations = violationsOf(contract.schema, payload);
    if (violations.length > 0) {
      throw new ContractViolation(`${this.#deps.service} emitted an invalid ${contract.id}`, violations);
    }
    const id = options.id ?? this.#deps.ids.next();
    const cause = this.#origin.causationId;
    const envelope: Envelope<PayloadOf<C>> = {
      specversion: '1.0',
      id,
      source: sourceOf(this.#deps.service),
      type: contract.id,
      time: this.#now.toISOString(),
      subject: contract.subjectOf(payload),
      datacontenttype: 'application/json',
      dataversion: contract.version,
      correlationid: this.#origin.correlationId,
      ...(this.#origin.causationId ? { causationid: this.#origin.causationId } : {}),
      ...(this.#origin.actor ? { actorid: this.#origin.actor.id, actorrole: this.#origin.actor.role } : {}),
      // Consumers apply a key once. A message caused by another is the same intent each time its
      // cause is handled; one caused by a request is its own intent unless the caller names it.
      idempotencykey:
        options.idempotencyKey ??
        (cause
          ? `${cause}:${contract.id}:${this.messages.filter((m) => m.envelope.type === contract.id).length}`
          : id),
      traceparent: traceparentOfEmitted(
        { system: this.#deps.messagingSystem, channel: contract.channel, id, payload },
        this.#origin.traceparent,
      ),
      data: payload,
    };
    this.messages.push({ channel: contract.channel, envelope });
    return envelope;
  }
}
