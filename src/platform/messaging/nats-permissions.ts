import type { BusConsumerDeclaration } from './bus-consumers.js';
import type { JetStreamTopology } from './jetstream-topology.js';

/** A nats-server user's `permissions` block: anything not allowed is denied. */
export interface NatsPermissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
}

/** What a service does on the bus, from the contract registry and its declared consumers. */
export interface BusIdentity {
  /** The NATS user's name: a service id, or `provisioner`. */
  readonly name: string;
  /** Channels of the messages it publishes (the contracts naming it as a producer). */
  readonly produces: readonly string[];
  readonly consumers: readonly BusConsumerDeclaration[];
}

/** The identity that creates and updates the streams, so that no service needs to. */
export const provisionerIdentity = 'provisioner';

/**
 * Replies to an identity's requests (publish acks, API answers, pulled messages) arrive under its
 * own inbox prefix, so that it may subscribe to its replies and to no one else's.
 */
export const inboxPrefixOf = (identity: string): string => `_INBOX.${identity}`;

/** Answered by JetStream to any client at connect (`jetstreamManager` checks the API) and to `/ready`. */
const accountInfo = '$JS.API.INFO';

/**
 * A service's permissions: publish the subjects of the messages it produces; create, read, pull
 * and acknowledge its own durables only; read the streams' configuration (it checks at start that
 * each exists as planned); fetch a stored message from a stream it consumes (to dead-letter one
 * JetStream gave up on) and hear the advisory saying so for its own durables.
 */
export function servicePermissions(topology: JetStreamTopology, identity: BusIdentity): NatsPermissions {
  const plans = identity.consumers.flatMap((consumer) =>
    topology.consumersFor(consumer.name, consumer.channels),
  );
  const consumedStreams = new Set(plans.map((plan) => plan.stream.name));
  return {
    publish: {
      allow: unique([
        accountInfo,
        ...topology.streams.map((stream) => `$JS.API.STREAM.INFO.${stream.name}`),
        ...identity.produces.map((channel) => topology.subjectOf(channel)),
        ...[...consumedStreams].map((stream) => `$JS.API.STREAM.MSG.GET.${stream}`),
        ...plans.flatMap(({ stream, durable, filterSubject }) => [
          // nats.js creates and updates a filtered durable through the 2.9 API, filter in the subject.
          `$JS.API.CONSUMER.CREATE.${stream.name}.${durable}.${filterSubject}`,
          `$JS.API.CONSUMER.INFO.${stream.name}.${durable}`,
          `$JS.API.CONSUMER.MSG.NEXT.${stream.name}.${durable}`,
          `$JS.ACK.${stream.name}.${durable}.>`,
        ]),
      ]),
    },
    subscribe: {
      allow: unique([
        `${inboxPrefixOf(identity.name)}.>`,
        ...plans.map(
          ({ stream, durable }) => `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream.name}.${durable}`,
        ),
      ]),
    },
  };
}

/** The provisioner creates, updates and reads the domain's streams, and nothing else. */
export function provisionerPermissions(topology: JetStreamTopology): NatsPermissions {
  return {
    publish: {
      allow: [
        accountInfo,
        ...topology.streams.flatMap((stream) =>
          ['CREATE', 'UPDATE', 'INFO'].map((action) => `$JS.API.STREAM.${action}.${stream.name}`),
        ),
      ],
    },
    subscribe: { allow: [`${inboxPrefixOf(provisionerIdentity)}.>`] },
  };
}

/**
 * The `authorization` block of a nats-server configuration, one nkey user per identity. JSON is
 * valid nats-server configuration syntax, and quoted strings keep `$JS…` from reading as variables.
 */
export function authorizationBlock(
  users: readonly { readonly nkey: string; readonly permissions: NatsPermissions }[],
): string {
  return `authorization ${JSON.stringify({ users }, null, 2)}\n`;
}

const unique = (subjects: readonly string[]): string[] => [...new Set(subjects)];
