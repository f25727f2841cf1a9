import { Type } from 'typebox';
import { optionalText } from '../kernel/settings-schema.js';

/** How consumers retry and dead-letter, and how outbox relays publish. */
export const messagingSettings = Type.Object({
  maxDeliveries: Type.Integer({
    env: 'MAX_DELIVERIES',
    default: 5,
    minimum: 1,
    maximum: 100,
    description: 'Deliveries of a failing message before it is dead-lettered',
  }),
  retryBaseMs: Type.Integer({
    env: 'RETRY_BASE_MS',
    default: 200,
    minimum: 1,
    maximum: 60_000,
    description: 'Exponential back-off between redeliveries (±20% jitter): the first pause',
  }),
  retryMaxMs: Type.Integer({
    env: 'RETRY_MAX_MS',
    default: 30_000,
    minimum: 1,
    maximum: 3_600_000,
    description: 'The longest pause between redeliveries',
  }),
  maxInFlight: Type.Integer({
    env: 'CONSUMER_MAX_IN_FLIGHT',
    default: 32,
    minimum: 1,
    maximum: 1000,
    description: 'Messages a consumer handles at once',
  }),
  ackWaitMs: Type.Integer({
    env: 'ACK_WAIT_MS',
    default: 30_000,
    minimum: 100,
    maximum: 3_600_000,
    description: 'An unsettled delivery is redelivered after this long',
  }),
  relayPollMs: Type.Integer({
    env: 'RELAY_POLL_MS',
    default: 500,
    minimum: 10,
    maximum: 60_000,
    description:
      'Longest pause of an outbox relay between polls (commits that append messages wake it at once)',
  }),
  /** How long an outbox relay's leadership lasts unrenewed before another replica takes over. */
  relayLeaseMs: Type.Integer({
    env: 'OUTBOX_LEASE_MS',
    default: 5_000,
    minimum: 100,
    maximum: 600_000,
    description:
      'Outbox relay leadership: another replica takes over this long after the holder stops renewing',
  }),
});

/** The distributed runtime's broker (NATS JetStream). */
export const natsSettings = Type.Object({
  url: optionalText({
    env: 'NATS_URL',
    description:
      'NATS servers, comma-separated; required by `npm run service` (`npm run cluster`: local 4222)',
  }),
  user: optionalText({ env: 'NATS_USER', description: 'User, when the server asks for one' }),
  pass: optionalText({ env: 'NATS_PASS', description: 'Password of `NATS_USER`' }),
  credsFile: optionalText({
    env: 'NATS_CREDS',
    description: 'A credentials file (JWT and nkey seed), for servers with decentralized auth',
  }),
  nkeySeedFile: optionalText({
    env: 'NATS_NKEY_SEED_FILE',
    description: "This service's nkey seed, as `npm run nats-config` writes it (docs/security.md)",
  }),
  /** Prefixed to every stream name and subject, so several deployments can share one NATS. */
  namespace: Type.String({
    env: 'NATS_NAMESPACE',
    default: '',
    pattern: '^[A-Za-z0-9_-]*$',
    requirement: 'may hold only letters, digits, - and _',
    description:
      'Prefix of every stream (`<ns>_ORDERS`) and subject (`<ns>.orders.>`): deployments sharing one NATS',
  }),
  streamReplicas: Type.Integer({
    env: 'NATS_STREAM_REPLICAS',
    default: 1,
    minimum: 1,
    maximum: 5,
    description: 'Copies of each stream in a NATS cluster (3 in production)',
  }),
  streamMaxAgeMs: Type.Integer({
    env: 'NATS_STREAM_MAX_AGE_MS',
    default: 7 * 24 * 3_600_000,
    minimum: 60_000,
    maximum: 365 * 24 * 3_600_000,
    description: 'How long streams keep messages (default: 7 days)',
  }),
  /** Must outlast the relay's retry horizon: a re-published envelope id inside it is stored once. */
  duplicateWindowMs: Type.Integer({
    env: 'NATS_DUPLICATE_WINDOW_MS',
    default: 15 * 60_000,
    minimum: 1_000,
    maximum: 24 * 3_600_000,
    description:
      'How long an envelope id is remembered to drop a second publication of it (default: 15 minutes)',
  }),
});
