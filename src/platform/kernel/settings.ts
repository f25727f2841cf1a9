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
  readonly messaging: {
    readonly maxDeliveries: number;
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
    readonly maxInFlight: number;
    readonly ackWaitMs: number;
    readonly relayPollMs: number;
  };
  readonly notifications: {
    readonly smtpUrl: string | undefined;
    readonly mailFrom: string;
    readonly alertsEmail: string;
    readonly maxAttempts: number;
    readonly retryBaseMs: number;
  };
}

type Env = Record<string, string | undefined>;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

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

export function loadSettings(env: Env = process.env): Settings {
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: text(env, 'HOST', '127.0.0.1'),
    dataDir: text(env, 'DATA_DIR', './data'),
    databaseUrl: optional(env, 'DATABASE_URL'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    logLevel: text(env, 'LOG_LEVEL', 'info'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    messaging: {
      maxDeliveries: integer(env, 'MAX_DELIVERIES', 5, 1, 100),
      retryBaseMs: integer(env, 'RETRY_BASE_MS', 200, 1, 60_000),
      retryMaxMs: integer(env, 'RETRY_MAX_MS', 30_000, 1, 3_600_000),
      maxInFlight: integer(env, 'CONSUMER_MAX_IN_FLIGHT', 32, 1, 1000),
      ackWaitMs: integer(env, 'ACK_WAIT_MS', 30_000, 100, 3_600_000),
      relayPollMs: integer(env, 'RELAY_POLL_MS', 500, 10, 60_000),
    },
    notifications: {
      smtpUrl: optional(env, 'SMTP_URL'),
      mailFrom: text(env, 'MAIL_FROM', 'Orders <orders@localhost>'),
      alertsEmail: text(env, 'INVENTORY_ALERTS_EMAIL', 'inventory-team@localhost'),
      maxAttempts: integer(env, 'NOTIFICATION_MAX_ATTEMPTS', 5, 1, 100),
      retryBaseMs: integer(env, 'NOTIFICATION_RETRY_BASE_MS', 1000, 1, 3_600_000),
    },
  };
}
