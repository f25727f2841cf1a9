import { randomBytes } from 'node:crypto';
import { domainServices } from '../../../src/hosts/domain-services.js';
import { dropDatabase, serviceDatabaseUrl } from '../../../src/hosts/distributed/databases.js';
import { DomainTopology } from '../../../src/hosts/distributed/topology.js';
import type { Database } from '../../../src/platform/db/database.js';
import { openPostgres } from '../../../src/platform/db/postgres.js';
import { defaultCaller, testKeysDir, tokenFor } from '../../support/auth.js';
import { deleteStreams, postgresUrl, sharedNatsUrl, storedEnvelopeIds } from './infrastructure.js';

export interface HttpAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface DistributedDomain {
  readonly topology: DomainTopology;
  readonly baseUrl: string;
  /** Prefixed to this domain's streams and subjects on the NATS server. */
  readonly namespace: string;
  /** The names of its services: `orders`, `inventory`, ... */
  readonly services: readonly string[];
  /** The PostgreSQL databases of its services. */
  readonly databaseNames: readonly string[];
  request(options: { method: string; url: string; payload?: unknown }): Promise<HttpAnswer>;
  /** Resolves once, twice in a row, every outbox, consumer and worker of the domain is drained. */
  settled(timeoutMs?: number): Promise<void>;
  /** The database of a service (`orders`, `inventory`, ...), as the test's own connection. */
  database(service: string): Promise<Database>;
  /** The envelope id of every message this domain's streams hold, once per stored copy. */
  storedEnvelopeIds(): Promise<string[]>;
  /** Stops every process, deletes the streams and drops the databases. */
  dispose(): Promise<void>;
}

export interface DistributedDomainOptions {
  readonly replicas?: Readonly<Record<string, number>>;
  readonly natsUrl?: string;
  /** Credentials written by `npm run nats-config` for this NATS server (namespace in `env`). */
  readonly natsCredentialsDir?: string;
  /** Fixed when credentials name it; otherwise one of the domain's own. */
  readonly namespace?: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Settings that make failure paths and fail-over quick enough for tests. */
const testEnv = {
  LOG_LEVEL: process.env['DISTRIBUTED_LOG_LEVEL'] ?? 'error',
  RETRY_BASE_MS: '20',
  RETRY_MAX_MS: '500',
  MAX_DELIVERIES: '8',
  ACK_WAIT_MS: '4000',
  RELAY_POLL_MS: '50',
  OUTBOX_LEASE_MS: '1500',
  CONSUMER_MAX_IN_FLIGHT: '16',
  DATABASE_POOL_SIZE: '8',
  GATEWAY_HEALTH_CHECK_MS: '250',
  DATA_DIR: testKeysDir,
  RATE_LIMIT_WRITES_PER_MINUTE: '10000000',
  SHUTDOWN_TIMEOUT_MS: '15000',
  NOTIFICATION_RETRY_BASE_MS: '20',
  // A test machine running files side by side lags at times: requests are not shed for it.
  HTTP_MAX_EVENT_LOOP_DELAY_MS: '60000',
  // One test client stands in for many customers at once.
  HTTP_MAX_IN_FLIGHT: '100000',
  HTTP_MAX_IN_FLIGHT_PER_CLIENT: '100000',
};

/**
 * The whole domain as separate processes, on databases and streams of its own: every service with
 * its replicas, on its own database of the machine's PostgreSQL, and the gateway in front.
 */
export async function startDistributedDomain(
  options: DistributedDomainOptions = {},
): Promise<DistributedDomain> {
  const id = randomBytes(4).toString('hex');
  const namespace = options.namespace ?? `t${id}`;
  const base = new URL(postgresUrl);
  base.pathname = `/t_dist_${id}`;
  const natsUrl = options.natsUrl ?? sharedNatsUrl;
  const output = process.env['DISTRIBUTED_LOG_LEVEL']
    ? (line: string) => process.stderr.write(`${line}\n`)
    : undefined;
  const databases = new Map<string, Database>();
  const cleanUp = async () => {
    await Promise.all([...databases.values()].map((db) => db.close()));
    await deleteStreams(natsUrl, namespace).catch(() => undefined);
    for (const module of domainServices) {
      await dropDatabase(serviceDatabaseUrl(base.toString(), module.schema));
    }
  };

  let topology: DomainTopology;
  try {
    topology = await DomainTopology.start({
      services: domainServices,
      databaseUrl: base.toString(),
      natsUrl,
      natsCredentialsDir: options.natsCredentialsDir,
      replicas: options.replicas ?? {},
      basePort: 0,
      gatewayPort: 0,
      env: { ...testEnv, NATS_NAMESPACE: namespace, ...options.env },
      ...(output ? { output } : {}),
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const baseUrl = topology.gateway.address;
  const authorization = `Bearer ${await tokenFor(defaultCaller, { ...testEnv, ...options.env })}`;

  const request: DistributedDomain['request'] = async ({ method, url, payload }) => {
    const response = await fetch(`${baseUrl}${url}`, {
      method,
      ...(payload === undefined
        ? { headers: { authorization } }
        : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json', authorization } }),
    });
    return {
      statusCode: response.status,
      headers: Object.fromEntries(response.headers),
      body: await response.text(),
    };
  };

  return {
    topology,
    baseUrl,
    namespace,
    services: domainServices.map((module) => module.schema),
    databaseNames: domainServices.map((module) =>
      new URL(serviceDatabaseUrl(base.toString(), module.schema)).pathname.slice(1),
    ),
    request,
    settled: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      let quietChecks = 0;
      let last = '';
      while (quietChecks < 2) {
        if (Date.now() > deadline)
          throw new Error(`the domain did not settle within ${timeoutMs} ms: ${last}`);
        const answer = await request({ method: 'GET', url: '/admin/backlog' }).catch((error: unknown) => ({
          statusCode: 0,
          headers: {},
          body: String(error),
        }));
        last = answer.body;
        const drained =
          answer.statusCode === 200 && (JSON.parse(answer.body) as { drained: boolean }).drained;
        quietChecks = drained ? quietChecks + 1 : 0;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    database: async (service) => {
      let db = databases.get(service);
      if (!db) {
        db = await openPostgres({ url: serviceDatabaseUrl(base.toString(), service), poolSize: 2 });
        databases.set(service, db);
      }
      return db;
    },
    storedEnvelopeIds: () => storedEnvelopeIds(natsUrl, namespace),
    dispose: async () => {
      await topology.stop();
      await cleanUp();
    },
  };
}
