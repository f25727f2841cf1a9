import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { EmbeddedIssuer } from '../src/platform/auth/embedded-issuer.js';
import { authSettings } from '../src/platform/auth/settings.js';
import { dropDatabase, serviceDatabaseUrl } from '../src/hosts/distributed/databases.js';
import type { ManagedProcess } from '../src/hosts/distributed/processes.js';
import { writeNatsCredentials } from '../src/hosts/distributed/nats-credentials.js';
import { DomainTopology } from '../src/hosts/distributed/topology.js';
import { domainServices } from '../src/hosts/domain-services.js';
import { loadSettings } from '../src/platform/kernel/settings.js';
import {
  startPrivateNatsServer,
  type PrivateNatsServer,
} from '../test/distributed/support/infrastructure.js';
import { buildHosts } from '../scripts/build-hosts.js';
import { benchName, databaseUrl, deleteNamespace, natsUrl } from './infrastructure.js';

export type Mode = 'embedded' | 'distributed';

/** A running system under test: its HTTP address and the processes whose cost is measured. */
export interface SystemUnderTest {
  readonly baseUrl: string;
  readonly mode: Mode;
  /** A staff bearer token of the system's own issuer: the bench places orders on customers' behalf. */
  readonly token: string;
  /** An admin token of the same issuer, for the processes' /metrics. */
  readonly adminToken: string;
  /** Where the processes that run consumers serve /metrics. */
  readonly metricsUrls: readonly string[];
  /** The process id of each process of the system, by its name. */
  readonly pids: Readonly<Record<string, number>>;
  /** CPU seconds used so far by each process of the system, by its name. */
  cpuSecondsByProcess(): Promise<Record<string, number>>;
  /** Peak resident memory per process since it started (PGlite's first start includes initdb), in MB. */
  peakRssMb(): Promise<Record<string, number>>;
  /** Resident memory per process now, in MB. */
  rssMb(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const clockTicks = 100;

async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/** Undefined when the process is gone: one that exits between two samples is not an error. */
async function memoryMbOf(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number | undefined> {
  let status: string;
  try {
    status = await readFile(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
  const kb = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

const isGone = (error: unknown) =>
  error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ESRCH');

/** The processes' figures by name, leaving out those that are gone. */
function present(each: readonly (readonly [string, number | undefined])[]): Record<string, number> {
  return Object.fromEntries(each.filter((entry): entry is [string, number] => entry[1] !== undefined));
}

const startScript = fileURLToPath(new URL('../scripts/start.mjs', import.meta.url));

interface Started {
  readonly child: ChildProcess;
  readonly address: string;
}

/**
 * Starts a host as `npm start` does, compiled (scripts/start.mjs builds it first when a source
 * changed), and waits for the log line that says it is listening.
 */
function startHost(host: string, env: Record<string, string>, readyMessage: string): Promise<Started> {
  const child = spawn(process.execPath, [startScript, host], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => {
      reject(new Error(`${host} exited with ${String(code)} before it was ready`));
    };
    child.once('exit', exited);
    createInterface({ input: child.stdout }).on('line', (line) => {
      let record: { msg?: string; address?: string };
      try {
        record = JSON.parse(line) as { msg?: string; address?: string };
      } catch {
        return;
      }
      if (record.msg === readyMessage && record.address) {
        child.off('exit', exited);
        resolve({ child, address: record.address });
      }
    });
  });
}

/**
 * The bench is one client standing in for many customers: the per-caller write limit, meant for a
 * single user, would turn most of its orders away.
 */
const benchEdgeEnv = { RATE_LIMIT_WRITES_PER_MINUTE: '10000000' };

async function tokens(dataDir: string): Promise<{ token: string; adminToken: string }> {
  const issuer = await EmbeddedIssuer.open(authSettings({}, dataDir));
  return {
    token: await issuer.issue({ subject: 'bench', role: 'staff', ttl: '1d' }),
    adminToken: await issuer.issue({ subject: 'bench', role: 'admin', ttl: '1d' }),
  };
}

/** Where CPU profiles go: `profileDir`, else BENCH_CPU_PROF_DIR, else nowhere. */
export interface ProfileOption {
  readonly profileDir?: string;
}

const profileDirOf = (options: ProfileOption) => options.profileDir ?? process.env['BENCH_CPU_PROF_DIR'];

export const newDataDir = () => mkdtemp(join(tmpdir(), 'orders-bench-'));

/** Starts the embedded runtime on `dataDir`; without one it uses a new directory and deletes it on stop. */
export async function startEmbedded(
  options: { dataDir?: string; env?: Record<string, string> } & ProfileOption = {},
): Promise<SystemUnderTest> {
  const ownsData = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await newDataDir());
  const env = options.env ?? {};
  const { child, address } = await startHost(
    'embedded',
    {
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      ...benchEdgeEnv,
      ...profilerEnv(profileDirOf(options)),
      ...env,
    },
    'Orders domain is running',
  );
  const pid = child.pid ?? 0;
  return {
    baseUrl: address,
    mode: 'embedded',
    ...(await tokens(dataDir)),
    metricsUrls: [address],
    pids: { embedded: pid },
    cpuSecondsByProcess: async () => ({ embedded: await cpuSecondsOf(pid) }),
    peakRssMb: async () => present([['embedded', await memoryMbOf(pid, 'VmHWM')]]),
    rssMb: async () => present([['embedded', await memoryMbOf(pid, 'VmRSS')]]),
    stop: async () => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      if (ownsData) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The distributed runtime, which keeps each service's data in a PostgreSQL database of its own. */
export interface DistributedSystem extends SystemUnderTest {
  /** The database of a service (`orders`, `inventory`, ...). */
  databaseUrl(service: string): string;
}

/**
 * Starts every service in a process of its own and the gateway in front, on databases of the
 * machine's PostgreSQL and a NATS namespace that belong to this system only; stop removes them.
 * With `natsAuth`, the services run on a nats-server of the bench's own that admits each of them
 * only with its credential and the permissions `npm run nats-config` gives it.
 */
export async function startDistributed(
  env: Record<string, string> = {},
  options: { readonly natsAuth?: boolean } & ProfileOption = {},
): Promise<DistributedSystem> {
  const name = benchName();
  const base = databaseUrl(name);
  // The signing key lives here (the services verify the bench's token with it), and the NATS credentials.
  const keysDir = await newDataDir();
  let privateNats: PrivateNatsServer | undefined;
  const removeData = async () => {
    await rm(keysDir, { recursive: true, force: true });
    if (privateNats) await privateNats.stop();
    else await deleteNamespace(name);
    for (const module of domainServices) await dropDatabase(serviceDatabaseUrl(base, module.schema));
  };
  const credentialsDir = options.natsAuth ? join(keysDir, 'nats') : undefined;
  let topology: DomainTopology;
  try {
    if (credentialsDir) {
      const settings = loadSettings({ ...process.env, NATS_NAMESPACE: name, DATA_DIR: keysDir });
      privateNats = await startPrivateNatsServer(await writeNatsCredentials(credentialsDir, settings));
    }
    await buildHosts();
    topology = await DomainTopology.start({
      // As `npm run cluster` runs them, however the bench itself runs.
      bundled: true,
      services: domainServices,
      databaseUrl: base,
      natsUrl: privateNats?.url ?? natsUrl,
      natsCredentialsDir: credentialsDir,
      replicas: {},
      basePort: 0,
      gatewayPort: 0,
      // Warnings only: at info level, logging would be a good part of the CPU measured.
      env: {
        LOG_LEVEL: 'warn',
        NATS_NAMESPACE: name,
        DATA_DIR: keysDir,
        ...benchEdgeEnv,
        ...profilerEnv(profileDirOf(options)),
        ...env,
      },
      output: (line) => process.stderr.write(`${line}\n`),
    });
  } catch (error) {
    await removeData();
    throw error;
  }
  const processes = topology.processes;
  return {
    baseUrl: topology.gateway.address,
    mode: 'distributed',
    ...(await tokens(keysDir)),
    metricsUrls: processes.filter((child) => child !== topology.gateway).map((child) => child.address),
    pids: Object.fromEntries(processes.map((child) => [child.name, child.pid])),
    databaseUrl: (service) => serviceDatabaseUrl(base, service),
    cpuSecondsByProcess: async () => {
      const each = await Promise.all(
        processes.map(async (child) => [child.name, await cpuSecondsOf(child.pid)] as const),
      );
      return Object.fromEntries(each);
    },
    peakRssMb: () => memoryMbByProcess(processes, 'VmHWM'),
    rssMb: () => memoryMbByProcess(processes, 'VmRSS'),
    stop: async () => {
      try {
        await topology.stop();
      } finally {
        await removeData();
      }
    },
  };
}

async function memoryMbByProcess(
  processes: readonly ManagedProcess[],
  field: 'VmHWM' | 'VmRSS',
): Promise<Record<string, number>> {
  const each = await Promise.all(
    processes.map(async (child) => [child.name, await memoryMbOf(child.pid, field)] as const),
  );
  return present(each);
}

/**
 * Profiles every process into `dir` when there is one (`<script>[-args].<pid>.cpuprofile`), from
 * its start to its exit, as --cpu-prof would.
 */
function profilerEnv(dir: string | undefined): Record<string, string> {
  if (!dir) return {};
  const tsxCjs = createRequire(import.meta.url).resolve('tsx/cjs');
  const profiler = fileURLToPath(new URL('./cpu-profile.ts', import.meta.url));
  const inherited = process.env['NODE_OPTIONS'] ?? '';
  // The hosts run compiled JavaScript: tsx's CommonJS hook, preloaded first, loads the TypeScript profiler.
  return {
    BENCH_CPU_PROF_DIR: dir,
    NODE_OPTIONS: `${inherited} --require "${tsxCjs}" --require "${profiler}"`.trim(),
  };
}
