import { authSettings, type AuthSettings } from '../auth/settings.js';
import { SettingsError } from './settings-error.js';

/** What the HTTP edge lets through: request rates, and the origins browsers may call from. */
export interface EdgeSettings {
  readonly writesPerMinute: number;
  readonly failedAuthenticationsPerMinute: number;
  /** Empty: no CORS headers at all, so browsers keep other origins out. */
  readonly corsOrigins: readonly string[];
}

/** Every setting of the system, read from the environment once at start. The README lists them. */
export interface Settings {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** When set, PostgreSQL holds the data instead of PGlite. */
  readonly databaseUrl: string | undefined;
  readonly databasePoolSize: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** Load shedding: past these, a request is refused at once with a 503 or 429 and a `Retry-After`. */
  readonly http: {
    /** Mean event-loop delay over the last sample. */
    readonly maxEventLoopDelayMs: number;
    /** Requests being answered at once, all clients together. */
    readonly maxInFlight: number;
    /** Requests of one client address being answered at once. */
    readonly maxInFlightPerClient: number;
  };
  readonly auth: AuthSettings;
  readonly edge: EdgeSettings;
  readonly messaging: {
    readonly maxDeliveries: number;
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    readonly maxInFlight: number;
    readonly ackWaitMs: number;
    readonly relayPollMs: number;
    /** How long an outbox relay's leadership lasts unrenewed before another replica takes over. */
    readonly relayLeaseMs: number;
  };
  /** A stopping process gives in-flight work this long, then exits anyway. */
  readonly shutdownTimeoutMs: number;
  /** The distributed runtime's broker (NATS JetStream). */
  readonly nats: {
    readonly url: string | undefined;
    readonly user: string | undefined;
    readonly pass: string | undefined;
    readonly credsFile: string | undefined;
    /** This service's nkey seed, as `npm run nats-config` writes it. */
    readonly nkeySeedFile: string | undefined;
    /**
     * `npm run cluster` and the benchmark: the directory `npm run nats-config` wrote, whose
     * credentials each service (and the stream provisioner) connect with. Unset: NATS is open.
     */
    readonly credentialsDir: string | undefined;
    /** Prefixed to every stream name and subject, so several deployments can share one NATS. */
    readonly namespace: string;
    readonly streamReplicas: number;
    readonly streamMaxAgeMs: number;
    /** Must outlast the relay's retry horizon: a re-published envelope id inside it is stored once. */
    readonly duplicateWindowMs: number;
  };
  readonly gateway: {
    /** Base URLs of each service's replicas, by service name (`orders`, `inventory`, ...). */
    readonly upstreams: Readonly<Record<string, readonly string[]>>;
    readonly healthCheckMs: number;
  };
  readonly cluster: {
    /** Replicas per service name; a service not listed runs once. */
    readonly replicas: Readonly<Record<string, number>>;
    /** Service processes listen on consecutive ports from here. */
    readonly basePort: number;
  };
  readonly notifications: {
    readonly smtpUrl: string | undefined;
    readonly mailFrom: string;
    readonly alertsEmail: string;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
  };
  readonly payments: {
    readonly provider: 'sandbox' | 'stripe';
    /** ISO 4217, lower case: what every amount of the domain is in. */
    readonly currency: string;
    /** Calls to the provider for one operation before it is given up on. */
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    /** A provider call unanswered after this long has an unknown outcome. */
    readonly timeoutMs: number;
    readonly stripe: {
      readonly secretKey: string | undefined;
      readonly webhookSecret: string | undefined;
      /** Another address for Stripe's API, such as a local test double (`http://127.0.0.1:12111`). */
      readonly apiBase: string | undefined;
    };
  };
  readonly subscriptions: {
    readonly provider: 'sandbox' | 'stripe';
    /** Calls to the provider for one start or cancellation before it counts as unavailable. */
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
    readonly stripe: {
      readonly secretKey: string | undefined;
      /** The signing secret of the webhook endpoint for subscription events (each endpoint has its own). */
      readonly webhookSecret: string | undefined;
      readonly apiBase: string | undefined;
    };
  };
}

type Env = Record<string, string | undefined>;

export { SettingsError };

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SettingsError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

const text = (env: Env, name: string, fallback: string) => env[name] || fallback;
const optional = (env: Env, name: string) => env[name] || undefined;

/** `a=1,b=2,a=3` → [['a','1'], ['b','2'], ['a','3']]. */
function pairs(env: Env, name: string): [string, string][] {
  const raw = env[name] ?? '';
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const at = entry.indexOf('=');
      if (at <= 0) throw new SettingsError(`${name} must be a list of name=value, got "${raw}"`);
      return [entry.slice(0, at).trim(), entry.slice(at + 1).trim()];
    });
}

function upstreams(env: Env, name: string): Record<string, string[]> {
  const byService: Record<string, string[]> = {};
  for (const [service, url] of pairs(env, name)) {
    if (!URL.canParse(url)) throw new SettingsError(`${name}: "${url}" is not a URL`);
    (byService[service] ??= []).push(url);
  }
  return byService;
}

function replicas(env: Env, name: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [service, count] of pairs(env, name)) {
    counts[service] = integer({ [name]: count }, name, 1, 1, 32);
  }
  return counts;
}

function namespace(env: Env, name: string): string {
  const value = env[name] ?? '';
  if (!/^[A-Za-z0-9_-]*$/.test(value)) {
    throw new SettingsError(`${name} may hold only letters, digits, - and _, got "${value}"`);
  }
  return value;
}

export function loadSettings(env: Env = process.env): Settings {
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    dataDir: text(env, 'DATA_DIR', './data'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    logLevel: text(env, 'LOG_LEVEL', 'info'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    http: {
      maxEventLoopDelayMs: integer(env, 'HTTP_MAX_EVENT_LOOP_DELAY_MS', 250, 10, 60_000),
      maxInFlight: integer(env, 'HTTP_MAX_IN_FLIGHT', 256, 1, 100_000),
      maxInFlightPerClient: integer(env, 'HTTP_MAX_IN_FLIGHT_PER_CLIENT', 64, 1, 100_000),
    },
    auth: authSettings(env, text(env, 'DATA_DIR', './data')),
    edge: {
      writesPerMinute: integer(env, 'RATE_LIMIT_WRITES_PER_MINUTE', 600, 1, 10_000_000),
      failedAuthenticationsPerMinute: integer(env, 'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE', 30, 1, 10_000_000),
      corsOrigins: (env['CORS_ORIGINS'] ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    },
    messaging: {
      maxDeliveries: integer(env, 'MAX_DELIVERIES', 5, 1, 100),
      retryBaseMs: integer(env, 'RETRY_BASE_MS', 200, 1, 60_000),
      retryMaxMs: integer(env, 'RETRY_MAX_MS', 30_000, 1, 3_600_000),
      maxInFlight: integer(env, 'CONSUMER_MAX_IN_FLIGHT', 32, 1, 1000),
      ackWaitMs: integer(env, 'ACK_WAIT_MS', 30_000, 100, 3_600_000),
      relayPollMs: integer(env, 'RELAY_POLL_MS', 500, 10, 60_000),
      relayLeaseMs: integer(env, 'OUTBOX_LEASE_MS', 5_000, 100, 600_000),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 100, 3_600_000),
    nats: {
      url: optional(env, 'NATS_URL'),
      user: optional(env, 'NATS_USER'),
      pass: optional(env, 'NATS_PASS'),
      credsFile: optional(env, 'NATS_CREDS'),
      nkeySeedFile: optional(env, 'NATS_NKEY_SEED_FILE'),
      credentialsDir: optional(env, 'NATS_CREDENTIALS_DIR'),
      namespace: namespace(env, 'NATS_NAMESPACE'),
      streamReplicas: integer(env, 'NATS_STREAM_REPLICAS', 1, 1, 5),
      streamMaxAgeMs: integer(
        env,
        'NATS_STREAM_MAX_AGE_MS',
        7 * 24 * 3_600_000,
        60_000,
        365 * 24 * 3_600_000,
      ),
      duplicateWindowMs: integer(env, 'NATS_DUPLICATE_WINDOW_MS', 15 * 60_000, 1_000, 24 * 3_600_000),
    },
    gateway: {
      upstreams: upstreams(env, 'GATEWAY_UPSTREAMS'),
      healthCheckMs: integer(env, 'GATEWAY_HEALTH_CHECK_MS', 1_000, 50, 60_000),
    },
    cluster: {
      replicas: replicas(env, 'CLUSTER_REPLICAS'),
      basePort: integer(env, 'CLUSTER_BASE_PORT', 4_000, 1, 65_000),
    },
    notifications: {
      smtpUrl: optional(env, 'SMTP_URL'),
      mailFrom: text(env, 'MAIL_FROM', 'Orders <orders@localhost>'),
      alertsEmail: text(env, 'INVENTORY_ALERTS_EMAIL', 'inventory-team@localhost'),
      maxAttempts: integer(env, 'NOTIFICATION_MAX_ATTEMPTS', 5, 1, 100),
      retryBaseMs: integer(env, 'NOTIFICATION_RETRY_BASE_MS', 1000, 1, 3_600_000),
    },
    payments: paymentSettings(env),
    subscriptions: subscriptionSettings(env),
  };
}

function paymentSettings(env: Env): Settings['payments'] {
  const provider = text(env, 'PAYMENT_PROVIDER', 'sandbox');
  if (provider !== 'sandbox' && provider !== 'stripe') {
    throw new SettingsError(`PAYMENT_PROVIDER must be sandbox or stripe, got "${provider}"`);
  }
  const secretKey = optional(env, 'STRIPE_SECRET_KEY');
  if (provider === 'stripe' && secretKey === undefined) {
    throw new SettingsError('PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY');
  }
  const apiBase = optional(env, 'STRIPE_API_BASE');
  if (apiBase !== undefined && !URL.canParse(apiBase)) {
    throw new SettingsError(`STRIPE_API_BASE must be a URL, got "${apiBase}"`);
  }
  const currency = text(env, 'PAYMENT_CURRENCY', 'usd');
  if (!/^[a-z]{3}$/.test(currency)) {
    throw new SettingsError(`PAYMENT_CURRENCY must be three lower-case letters, got "${currency}"`);
  }
  return {
    provider,
    currency,
    maxAttempts: integer(env, 'PAYMENT_MAX_ATTEMPTS', 4, 1, 20),
    retryBaseMs: integer(env, 'PAYMENT_RETRY_BASE_MS', 1000, 1, 3_600_000),
    timeoutMs: integer(env, 'PAYMENT_TIMEOUT_MS', 10_000, 10, 300_000),
    stripe: { secretKey, webhookSecret: optional(env, 'STRIPE_WEBHOOK_SECRET'), apiBase },
  };
}

function subscriptionSettings(env: Env): Settings['subscriptions'] {
  const provider = text(env, 'SUBSCRIPTION_PROVIDER', 'sandbox');
  if (provider !== 'sandbox' && provider !== 'stripe') {
    throw new SettingsError(`SUBSCRIPTION_PROVIDER must be sandbox or stripe, got "${provider}"`);
  }
  const secretKey = optional(env, 'STRIPE_SECRET_KEY');
  const webhookSecret = optional(env, 'SUBSCRIPTION_WEBHOOK_SECRET');
  if (provider === 'stripe' && (secretKey === undefined || webhookSecret === undefined)) {
    throw new SettingsError(
      'SUBSCRIPTION_PROVIDER=stripe needs STRIPE_SECRET_KEY and SUBSCRIPTION_WEBHOOK_SECRET',
    );
  }
  const apiBase = optional(env, 'STRIPE_API_BASE');
  if (apiBase !== undefined && !URL.canParse(apiBase)) {
    throw new SettingsError(`STRIPE_API_BASE must be a URL, got "${apiBase}"`);
  }
  return {
    provider,
    maxAttempts: integer(env, 'SUBSCRIPTION_MAX_ATTEMPTS', 5, 1, 20),
    retryBaseMs: integer(env, 'SUBSCRIPTION_RETRY_BASE_MS', 1000, 1, 3_600_000),
    stripe: { secretKey, webhookSecret, apiBase },
  };
}
