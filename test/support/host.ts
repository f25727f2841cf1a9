import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { asyncApiDocument } from '../../src/catalog/asyncapi.js';
import type { ServiceModule } from '../../src/platform/service.js';
import type { Database } from '../../src/platform/db/database.js';
import { ServiceHost, type HostOptions } from '../../src/platform/host.js';
import type { Clock } from '../../src/platform/kernel/clock.js';
import type { IdGenerator } from '../../src/platform/kernel/ids.js';
import { createLogger, type Logger } from '../../src/platform/kernel/logger.js';
import { loadSettings } from '../../src/platform/kernel/settings.js';
import { LocalBus } from '../../src/platform/messaging/local-bus.js';
import { defaultCaller, testKeysDir, tokenFor, withAuthorization } from './auth.js';

export interface TestHost {
  readonly host: ServiceHost;
  readonly bus: LocalBus;
  /** Sends the request as the default caller (admin), unless `headers.authorization` says otherwise. */
  readonly inject: (options: InjectOptions) => Promise<LightMyRequestResponse>;
  /** Resolves once every outbox is published, every consumer has settled what it was sent and every worker is idle. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface TestHostOptions {
  readonly db: Database;
  readonly modules: readonly ServiceModule[];
  readonly env?: Record<string, string>;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Instead of a logger at LOG_LEVEL on stdout, e.g. one writing to a stream a test reads. */
  readonly logger?: Logger;
  readonly plugins?: HostOptions['plugins'];
}

/** Fast retries so that failure paths settle in milliseconds. */
const testEnv = {
  LOG_LEVEL: 'silent',
  DATA_DIR: testKeysDir,
  RATE_LIMIT_WRITES_PER_MINUTE: '10000000',
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '10000000',
  RETRY_BASE_MS: '5',
  RETRY_MAX_MS: '50',
  MAX_DELIVERIES: '3',
  RELAY_POLL_MS: '20',
  NOTIFICATION_RETRY_BASE_MS: '5',
  NOTIFICATION_MAX_ATTEMPTS: '3',
  PAYMENT_RETRY_BASE_MS: '5',
  SUBSCRIPTION_RETRY_BASE_MS: '5',
  // A test machine running files side by side lags at times: requests are not shed for it.
  HTTP_MAX_EVENT_LOOP_DELAY_MS: '60000',
  // One test client stands in for many customers at once.
  HTTP_MAX_IN_FLIGHT: '100000',
  HTTP_MAX_IN_FLIGHT_PER_CLIENT: '100000',
};

export async function startTestHost(options: TestHostOptions): Promise<TestHost> {
  const settings = loadSettings({ ...testEnv, ...options.env });
  const logger = options.logger ?? createLogger({ level: settings.logLevel });
  const bus = await LocalBus.open(options.db);
  const host = await ServiceHost.start({
    modules: options.modules,
    databaseFor: () => options.db,
    bus,
    settings,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ids ? { ids: options.ids } : {}),
    documents: { '/asyncapi.json': asyncApiDocument() },
    ...(options.plugins ? { plugins: options.plugins } : {}),
  });
  const token = await tokenFor(defaultCaller, { ...testEnv, ...options.env });
  const consumers = host.services.flatMap((service) => service.consumers.consumerNames);
  const workers = host.services.flatMap((service) => service.parts.workers ?? []);

  async function isQuiet(): Promise<boolean> {
    for (const service of host.services) if (((await service.relay?.backlog()) ?? 0) > 0) return false;
    for (const consumer of consumers) if ((await bus.pendingCount(consumer)) > 0) return false;
    for (const worker of workers) if ((await worker.backlog()) > 0) return false;
    return true;
  }

  return {
    host,
    bus,
    inject: (request) => host.app.inject({ ...request, headers: withAuthorization(request.headers, token) }),
    settled: async (timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      let quietChecks = 0;
      // Two quiet checks in a row: a handler that just committed may still be about to publish.
      while (quietChecks < 2) {
        if (Date.now() > deadline) throw new Error(`the bus did not settle within ${timeoutMs} ms`);
        quietChecks = (await isQuiet()) ? quietChecks + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    stop: async () => {
      await host.stop();
      await bus.close();
    },
  };
}
