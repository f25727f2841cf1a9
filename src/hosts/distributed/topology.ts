import type { ServiceModule } from '../../platform/service.js';
import { createLogger } from '../../platform/kernel/logger.js';
import { loadSettings } from '../../platform/kernel/settings.js';
import { provisionStreams, seedFileOf } from './nats-identities.js';
import { createDatabaseIfMissing, serviceDatabaseUrl } from './databases.js';
import { hostEntry, startProcess, type ManagedProcess } from './processes.js';

export interface TopologyOptions {
  readonly services: readonly ServiceModule[];
  /** Each service gets the database named after this one with its own suffix. */
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** Replicas per service name; one when not listed. */
  readonly replicas: Readonly<Record<string, number>>;
  /** Services listen from this port up; 0 lets each pick a free one. */
  readonly basePort: number;
  readonly gatewayPort: number;
  /**
   * The directory `npm run nats-config` wrote: streams are provisioned with its provisioner's
   * credential, and each service connects with its own. Unset: every process connects anonymously.
   */
  readonly natsCredentialsDir?: string | undefined;
  /** Added to every process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Start the hosts compiled in dist/ (built beforehand) even when this code runs from its sources. */
  readonly bundled?: boolean;
  readonly output?: (line: string) => void;
}

interface Replica {
  readonly service: string;
  readonly index: number;
  readonly env: Record<string, string>;
  process: ManagedProcess;
}

/**
 * The whole domain as separate processes on one machine: every replica of every service, each on
 * the service's own database, and the gateway in front. What `npm run cluster` runs, and what the
 * distributed tests start, kill and restart.
 */
export class DomainTopology {
  readonly #options: TopologyOptions;
  readonly #replicas: Replica[];
  #gateway: ManagedProcess;

  private constructor(options: TopologyOptions, replicas: Replica[], gateway: ManagedProcess) {
    this.#options = options;
    this.#replicas = replicas;
    this.#gateway = gateway;
  }

  static async start(options: TopologyOptions): Promise<DomainTopology> {
    const unknown = Object.keys(options.replicas).filter(
      (name) => !options.services.some((module) => module.schema === name),
    );
    if (unknown.length > 0) throw new Error(`No service named ${unknown.join(', ')}`);
    let nextPort = options.basePort;
    const planned = options.services.flatMap((module) =>
      Array.from({ length: options.replicas[module.schema] ?? 1 }, (_, index) => ({
        service: module.schema,
        index: index + 1,
        env: {
          ...options.env,
          DATABASE_URL: serviceDatabaseUrl(options.databaseUrl, module.schema),
          NATS_URL: options.natsUrl,
          ...(options.natsCredentialsDir
            ? { NATS_NKEY_SEED_FILE: seedFileOf(options.natsCredentialsDir, module.id) }
            : {}),
          PORT: String(nextPort === 0 ? 0 : nextPort++),
        },
      })),
    );
    if (options.natsCredentialsDir) {
      const settings = loadSettings({ ...process.env, ...options.env });
      const logger = createLogger({ level: settings.logLevel, name: 'provisioner' });
      await provisionStreams(settings, options.natsUrl, options.natsCredentialsDir, logger);
    }
    for (const module of options.services) {
      await createDatabaseIfMissing(serviceDatabaseUrl(options.databaseUrl, module.schema));
    }
    const started = await Promise.allSettled(
      planned.map(async (replica): Promise<Replica> => ({
        ...replica,
        process: await launch(replica, options),
      })),
    );
    const replicas = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const failure = started.find((outcome) => outcome.status === 'rejected');
    if (failure) {
      await Promise.all(replicas.map((replica) => replica.process.stop()));
      throw failure.reason;
    }
    try {
      return new DomainTopology(options, replicas, await launchGateway(replicas, options));
    } catch (error) {
      await Promise.all(replicas.map((replica) => replica.process.stop()));
      throw error;
    }
  }

  get gateway(): ManagedProcess {
    return this.#gateway;
  }

  /** The processes of one service, in replica order. */
  replicasOf(service: string): ManagedProcess[] {
    return this.#replicas.filter((replica) => replica.service === service).map((replica) => replica.process);
  }

  get processes(): ManagedProcess[] {
    return [...this.#replicas.map((replica) => replica.process), this.#gateway];
  }

  /** Starts replica `index` (from 1) of `service` again, on the port it had, once it is gone. */
  async restart(service: string, index: number): Promise<ManagedProcess> {
    const replica = this.#replicas.find((each) => each.service === service && each.index === index);
    if (!replica) throw new Error(`No replica ${service}#${index}`);
    if (replica.process.running) throw new Error(`${service}#${index} is still running`);
    const port = new URL(replica.process.address).port;
    replica.process = await launch({ ...replica, env: { ...replica.env, PORT: port } }, this.#options);
    return replica.process;
  }

  /** The gateway first, so that nothing new comes in; then every service, each finishing its work. */
  async stop(): Promise<void> {
    await this.#gateway.stop();
    await Promise.all(this.#replicas.map((replica) => replica.process.stop()));
  }
}

function launch(
  replica: Pick<Replica, 'service' | 'index' | 'env'>,
  options: TopologyOptions,
): Promise<ManagedProcess> {
  return startProcess({
    name: `${replica.service}#${replica.index}`,
    entry: hostEntry('standalone', options.bundled),
    args: [replica.service],
    env: replica.env,
    ...(options.output ? { output: options.output } : {}),
  });
}

function launchGateway(replicas: readonly Replica[], options: TopologyOptions): Promise<ManagedProcess> {
  return startProcess({
    name: 'gateway',
    entry: hostEntry('gateway', options.bundled),
    env: {
      ...options.env,
      PORT: String(options.gatewayPort),
      GATEWAY_UPSTREAMS: replicas.map((replica) => `${replica.service}=${replica.process.address}`).join(','),
    },
    ...(options.output ? { output: options.output } : {}),
  });
}
