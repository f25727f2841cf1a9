import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { projectRoot, runsBundled } from '../project-root.js';

export interface ProcessSpec {
  /** How logs and errors name it, e.g. `inventory#2`. */
  readonly name: string;
  readonly entry: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Every line the process writes, stdout and stderr alike. */
  readonly output?: (line: string) => void;
  readonly startTimeoutMs?: number;
}

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  /** Where it listens, as it logged once ready. */
  readonly address: string;
  /** Resolves once the process is gone, however it ended. */
  readonly exited: Promise<void>;
  readonly running: boolean;
  /** SIGTERM, then SIGKILL if it is still there after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
}

/**
 * The file a host starts from: compiled in dist/ or its TypeScript source. By default, like the
 * caller: bundled hosts start bundled hosts, and code run from its sources (the tests) starts sources.
 */
export const hostEntry = (name: 'standalone' | 'gateway', bundled = runsBundled) =>
  bundled
    ? join(projectRoot, 'dist', 'hosts', `${name}.js`)
    : join(projectRoot, 'src', 'hosts', `${name}.ts`);

/** What a host started by `startProcess` sends its parent once it serves HTTP. */
interface ReadyMessage {
  readonly ready: { readonly address: string };
}

/** Tells the parent process, when there is one listening, where this host serves HTTP. */
export function announceReady(address: string): void {
  const message: ReadyMessage = { ready: { address } };
  process.send?.(message);
}

/**
 * Starts a host as a child process (its sources through tsx) and resolves once it announces that it is
 * listening. Only this process is ever signalled, by its pid.
 */
export function startProcess(spec: ProcessSpec): Promise<ManagedProcess> {
  const loader = spec.entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, spec.entry, ...(spec.args ?? [])], {
    env: { ...process.env, ...spec.env },
    // The IPC channel is the child's lifeline: it closes when this process dies, however it dies.
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // A process group of its own: a terminal's Ctrl-C reaches only this process, which stops the
    // children in order (gateway first).
    detached: true,
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > 30) recent.shift();
    spec.output?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on('line', onLine);
  }
  const timeoutMs = spec.startTimeoutMs ?? 60_000;

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${spec.name} ${why}:\n${recent.join('\n')}`));
    };
    const timer = setTimeout(() => {
      fail(`did not start within ${timeoutMs} ms`);
    }, timeoutMs);
    const exitedEarly = (code: number | null, signal: string | null) => {
      fail(`exited with ${signal ?? String(code)} before it was ready`);
    };
    child.once('exit', exitedEarly);
    child.once('message', (message: ReadyMessage) => {
      const { address } = message.ready;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      const running = () => child.exitCode === null && child.signalCode === null;
      const signal = async (name: NodeJS.Signals) => {
        if (running()) child.kill(name);
        await exited;
      };
      resolve({
        name: spec.name,
        pid: child.pid ?? -1,
        address,
        exited,
        get running() {
          return running();
        },
        kill: () => signal('SIGKILL'),
        stop: async (stopTimeoutMs = 30_000) => {
          const force = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
          await signal('SIGTERM');
          clearTimeout(force);
        },
      });
    });
  });
}
