import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import {
  createDatabaseIfMissing,
  dropDatabase,
  serviceDatabaseUrl,
} from '../src/hosts/distributed/databases.js';
import { benchName, databaseUrl, deleteNamespace, natsUrl } from './infrastructure.js';
import { newDataDir } from './system.js';

/**
 * How fast a host is ready and what it costs doing nothing. Each start runs what `npm start` (or
 * `npm run service`) runs, `node scripts/start.mjs <host>`, and is timed from the spawn to the first
 * `GET /ready` that answers 200; the CPU it took until then is read from /proc, which stays
 * meaningful on a machine busy with other work where the wall time does not.
 */
export interface StartupOptions {
  readonly restarts: number;
  readonly idleSeconds: number;
}

interface Start {
  readonly child: ChildProcess;
  readonly readyMs: number;
  readonly cpuSeconds: number;
}

const root = fileURLToPath(new URL('../', import.meta.url));
const clockTicks = 100;

export async function printStartup(mode: 'embedded' | 'distributed', options: StartupOptions): Promise<void> {
  const figures = mode === 'embedded' ? await embedded(options) : await distributed(options);
  console.log(`\nstartup, mode: ${mode}`);
  for (const [what, value] of Object.entries(figures)) console.log(`  ${what.padEnd(34)} ${value}`);
}

async function embedded(options: StartupOptions): Promise<Record<string, string>> {
  const dataDir = await newDataDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  try {
    const first = await start('embedded', [], env);
    await stop(first.child);
    const restarts: Start[] = [];
    for (let run = 0; run < options.restarts; run += 1) {
      const restart = await start('embedded', [], env);
      restarts.push(restart);
      if (run < options.restarts - 1) await stop(restart.child);
    }
    const last = restarts.at(-1);
    if (!last) throw new Error('--restarts must be at least 1');
    try {
      const idle = await idleCost(last.child, options.idleSeconds);
      return {
        'first start to ready': describe(first),
        [`restart to ready (median of ${options.restarts})`]: describe(median(restarts)),
        [`CPU in the ${idle.settlingSeconds} s after ready`]: `${idle.settlingPercent.toFixed(2)}% of a core`,
        [`idle CPU over the next ${options.idleSeconds} s`]: `${idle.steadyPercent.toFixed(2)}% of a core`,
        'idle RSS': `${Math.round(idle.rssMb)} MB`,
      };
    } finally {
      await stop(last.child);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** One inventory process on the machine's PostgreSQL and NATS, restarted on the database it made. */
async function distributed(options: StartupOptions): Promise<Record<string, string>> {
  const name = benchName();
  const url = serviceDatabaseUrl(databaseUrl(name), 'inventory');
  const keysDir = await newDataDir();
  const env = { DATABASE_URL: url, NATS_URL: natsUrl, NATS_NAMESPACE: name, DATA_DIR: keysDir };
  await createDatabaseIfMissing(url);
  try {
    const first = await start('standalone', ['inventory'], env);
    await stop(first.child);
    const restarts: Start[] = [];
    for (let run = 0; run < options.restarts; run += 1) {
      const restart = await start('standalone', ['inventory'], env);
      restarts.push(restart);
      await stop(restart.child);
    }
    return {
      'inventory first start to ready': describe(first),
      [`inventory restart (median of ${options.restarts})`]: describe(median(restarts)),
    };
  } finally {
    await dropDatabase(url);
    await deleteNamespace(name);
    await rm(keysDir, { recursive: true, force: true });
  }
}

async function start(host: string, args: string[], env: Record<string, string>): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['scripts/start.mjs', host, ...args], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => {
      reject(new Error(`${host} exited with ${String(code)} before it was ready`));
    }),
  );
  exited.catch(() => undefined);
  while (!(await answersReady(port))) await Promise.race([sleep(10), exited]);
  return { child, readyMs: performance.now() - started, cpuSeconds: await cpuSecondsOf(child) };
}

async function answersReady(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/ready`)).status === 200;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await gone;
}

/**
 * CPU of a host doing nothing, in two windows: the minute after it is ready, which still holds
 * the start's aftermath (a first maintenance pass, V8 shrinking the heap the start grew), then
 * `seconds` of steady idleness.
 */
async function idleCost(child: ChildProcess, seconds: number) {
  const settlingSeconds = 60;
  const settling = await cpuSecondsOf(child);
  await sleep(settlingSeconds * 1000);
  const steady = await cpuSecondsOf(child);
  await sleep(seconds * 1000);
  const end = await cpuSecondsOf(child);
  const status = await readFile(`/proc/${String(child.pid)}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return {
    settlingSeconds,
    settlingPercent: ((steady - settling) / settlingSeconds) * 100,
    steadyPercent: ((end - steady) / seconds) * 100,
    rssMb: rssKb / 1024,
  };
}

/** utime + stime of the process and of the children it waited for (a first start's initdb). */
async function cpuSecondsOf(child: ChildProcess): Promise<number> {
  const stat = await readFile(`/proc/${String(child.pid)}/stat`, 'utf8');
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const [utime = 0, stime = 0, cutime = 0, cstime = 0] = fields.slice(11, 15);
  return (utime + stime + cutime + cstime) / clockTicks;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

const median = (starts: Start[]): Start =>
  [...starts].sort((a, b) => a.readyMs - b.readyMs)[Math.floor(starts.length / 2)] ?? starts[0]!;

const describe = (run: Start) =>
  `${Math.round(run.readyMs)} ms (${run.cpuSeconds.toFixed(2)} s of CPU until ready)`;
