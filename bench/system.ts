import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type Mode = 'embedded' | 'distributed';

/** A running system under test: its HTTP address and the processes whose cost is measured. */
export interface SystemUnderTest {
  readonly baseUrl: string;
  readonly mode: Mode;
  readonly dataDir: string;
  /** CPU seconds used so far by every process of the system. */
  cpuSeconds(): Promise<number>;
  /** Peak resident memory per process, in MB. */
  peakRssMb(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

const clockTicks = 100;

async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

async function peakRssMbOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

interface Started {
  readonly child: ChildProcess;
  readonly address: string;
}

/** Starts a process of the project and waits for the log line that says it is listening. */
function startProcess(script: string, env: Record<string, string>, readyMessage: string): Promise<Started> {
  const profile = process.env['BENCH_CPU_PROF_DIR'];
  const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => {
      reject(new Error(`${script} exited with ${String(code)} before it was ready`));
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

export async function startEmbedded(env: Record<string, string> = {}): Promise<SystemUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), 'orders-bench-'));
  const { child, address } = await startProcess(
    'src/hosts/embedded.ts',
    { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...env },
    'Orders domain is running',
  );
  const pid = child.pid ?? 0;
  return {
    baseUrl: address,
    mode: 'embedded',
    dataDir,
    cpuSeconds: () => cpuSecondsOf(pid),
    peakRssMb: async () => ({ embedded: await peakRssMbOf(pid) }),
    stop: async () => {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await gone;
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
