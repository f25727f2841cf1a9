import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { defaultCaller, testKeysDir, tokenFor } from './auth.js';

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly baseUrl: string;
  /** A bearer token this process accepts, for the default test caller (admin). */
  readonly token: string;
  /** Ends the process with the signal and waits until it is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts the embedded host as its own process (`PORT=0` picks a free port) and resolves with its
 * address once it logs that it is running. Only this process is ever signalled, by its pid.
 */
export function startEmbeddedProcess(
  env: Record<string, string>,
  timeoutMs = 60_000,
  /** The host to run: its TypeScript source through tsx, or a bundle of it. */
  entry = 'src/hosts/embedded.ts',
): Promise<RunningProcess> {
  const fullEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATA_DIR: testKeysDir,
    // Rate limits and load shedding have specs of their own; a busy test machine must not shed these requests.
    RATE_LIMIT_WRITES_PER_MINUTE: '10000000',
    HTTP_MAX_EVENT_LOOP_DELAY_MS: '60000',
    ...env,
  };
  const loader = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, entry], {
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded process did not start in ${timeoutMs} ms: ${stderr.join('')}`));
    }, timeoutMs);
    const exitedEarly = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the embedded process exited with ${String(code)}: ${stderr.join('')}`));
    };
    child.once('exit', exitedEarly);
    createInterface({ input: child.stdout }).on('line', (line) => {
      const record = parseLogLine(line);
      if (record?.msg !== 'Orders domain is running' || typeof record.address !== 'string') return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      const baseUrl = record.address;
      void tokenFor(defaultCaller, fullEnv).then((token) => {
        resolve({
          child,
          baseUrl,
          token,
          kill: async (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }, reject);
    });
  });
}

function parseLogLine(line: string): { msg?: string; address?: unknown } | undefined {
  try {
    return JSON.parse(line) as { msg?: string; address?: unknown };
  } catch {
    return undefined;
  }
}
