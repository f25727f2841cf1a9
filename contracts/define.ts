import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';
import type { BoundedContext, ServiceId } from './services.js';

export type MessageKind = 'command' | 'event';

/** A consumer and the semver range of versions it accepts (semver syntax, e.g. `^1.0.0`, `0.0.x`). */
export interface ConsumerDeclaration {
  readonly service: ServiceId;
  readonly accepts: string;
}

/** Where a declaration comes from: the reference catalog, or added by this project to close a gap. */
export type ContractOrigin = 'catalog' | 'project';

export interface MessageContract<Schema extends TSchema = TSchema> {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly kind: MessageKind;
  readonly summary: string;
  readonly owners: readonly string[];
  readonly origin: ContractOrigin;
  /** The bounded context whose stream carries the message. */
  readonly context: BoundedContext;
  /** Services that publish it. Empty for commands that only arrive from clients over HTTP or the bus. */
  readonly producers: readonly ServiceId[];
  readonly consumers: readonly ConsumerDeclaration[];
  readonly schema: Schema;
  readonly example: Static<Schema>;
  /** The aggregate the message is about; becomes the envelope's `subject`. */
  readonly subjectOf: (payload: Static<Schema>) => string;
  /** The bus subject, derived from context, kind and id: `orders.events.OrderConfirmed`. */
  readonly channel: string;
}

export type PayloadOf<C extends MessageContract> = Static<C['schema']>;

/**
 * What the messages of one source declare alike: who owns them, where the declaration comes from,
 * the stream that carries them and the services that publish them.
 */
export interface MessageSource {
  readonly owners: readonly string[];
  readonly origin: ContractOrigin;
  readonly context: BoundedContext;
  readonly producers: readonly ServiceId[];
}

/**
 * What a message declares of its own. Its schema is the object of its `fields`, closed to any other
 * field and titled with its id.
 */
export interface MessageDeclaration<Fields extends TProperties> {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly summary: string;
  readonly consumers: readonly ConsumerDeclaration[];
  readonly subjectOf: (payload: Static<TObject<Fields>>) => string;
  readonly fields: Fields;
  readonly example: Static<TObject<Fields>>;
}

function define<Fields extends TProperties>(
  kind: MessageKind,
  { owners, origin, context, producers }: MessageSource,
  { id, name, version, summary, consumers, subjectOf, fields, example }: MessageDeclaration<Fields>,
): MessageContract<TObject<Fields>> {
  return Object.freeze({
    id,
    name,
    version,
    summary,
    owners,
    origin,
    context,
    producers,
    consumers,
    subjectOf,
    schema: Type.Object(fields, { additionalProperties: false, title: id }),
    example,
    kind,
    channel: `${context}.${kind}s.${id}`,
  });
}

/** Declares the commands of one source: `const clientCommand = commandsOf({ ... })`. */
export const commandsOf =
  (source: MessageSource) =>
  <Fields extends TProperties>(declaration: MessageDeclaration<Fields>) =>
    define('command', source, declaration);

/** Declares the events of one source: `const inventoryEvent = eventsOf({ ... })`. */
export const eventsOf =
  (source: MessageSource) =>
  <Fields extends TProperties>(declaration: MessageDeclaration<Fields>) =>
    define('event', source, declaration);
