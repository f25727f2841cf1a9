import { Type, type StaticDecode } from 'typebox';
import { commaList, decodedSetting } from '../kernel/settings-schema.js';

/** Where the HTTP API listens and how large a request it takes. */
export const serverSettings = Type.Object({
  port: Type.Integer({
    env: 'PORT',
    default: 3000,
    minimum: 0,
    maximum: 65_535,
    description: 'HTTP port (`0` picks a free one)',
  }),
  host: Type.String({
    env: 'HOST',
    default: '127.0.0.1',
    description: 'Interface to listen on (`0.0.0.0` for all)',
  }),
  bodyLimitBytes: Type.Integer({
    env: 'BODY_LIMIT_BYTES',
    default: 64 * 1024,
    minimum: 1024,
    maximum: 10 * 1024 * 1024,
    description: 'Largest request body accepted (`413` above it)',
  }),
});

/** Load shedding: past these, a request is refused at once with a 503 or 429 and a `Retry-After`. */
export const sheddingSettings = Type.Object({
  /** Mean event-loop delay over the last sample. */
  maxEventLoopDelayMs: Type.Integer({
    env: 'HTTP_MAX_EVENT_LOOP_DELAY_MS',
    default: 250,
    minimum: 10,
    maximum: 60_000,
    description:
      'Mean event-loop delay past which requests are shed with `503` and `Retry-After` (`/health` is never shed)',
  }),
  /** Requests being answered at once, all clients together. */
  maxInFlight: Type.Integer({
    env: 'HTTP_MAX_IN_FLIGHT',
    default: 256,
    minimum: 1,
    maximum: 100_000,
    description: 'Requests answered at once, all clients together; more are shed with `503`',
  }),
  /** Requests of one client address being answered at once. */
  maxInFlightPerClient: Type.Integer({
    env: 'HTTP_MAX_IN_FLIGHT_PER_CLIENT',
    default: 64,
    minimum: 1,
    maximum: 100_000,
    description:
      'Requests of one client address answered at once; more are refused with `429` and `Retry-After`',
  }),
});

/** What the HTTP edge lets through: request rates, and the origins browsers may call from. */
export const edgeSettings = Type.Object({
  writesPerMinute: Type.Integer({
    env: 'RATE_LIMIT_WRITES_PER_MINUTE',
    default: 600,
    minimum: 1,
    maximum: 10_000_000,
    description: 'Writes one caller may make per minute (`429` beyond it)',
  }),
  failedAuthenticationsPerMinute: Type.Integer({
    env: 'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
    default: 30,
    minimum: 1,
    maximum: 10_000_000,
    description: 'Failed authentications one address may make per minute (`429` beyond it)',
  }),
  /** Empty: no CORS headers at all, so browsers keep other origins out. */
  corsOrigins: decodedSetting(
    {
      env: 'CORS_ORIGINS',
      default: '',
      description: 'Origins browsers may call the API from, comma-separated; unset: no CORS headers at all',
    },
    commaList,
  ),
});

export type EdgeSettings = StaticDecode<typeof edgeSettings>;
