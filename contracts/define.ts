import type { Static, TSchema } from 'typebox';
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

type Declaration<Schema extends TSchema> = Omit<MessageContract<Schema>, 'kind' | 'channel'>;

function define<Schema extends TSchema>(
  kind: MessageKind,
  declaration: Declaration<Schema>,
): MessageContract<Schema> {
  return Object.freeze({
    ...declaration,
    kind,
    channel: `${declaration.context}.${kind}s.${declaration.id}`,
  });
}

export const defineCommand = <Schema extends TSchema>(declaration: Declaration<Schema>) =>
  define('command', declaration);

export const defineEvent = <Schema extends TSchema>(declaration: Declaration<Schema>) =>
  define('event', declaration);
