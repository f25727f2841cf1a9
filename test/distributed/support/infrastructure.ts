import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describeNeeding, probeNats, probePostgres, type Absence } from '../../support/services.js';
import { until } from '../../support/until.js';

export { postgresUrl, sharedNatsUrl } from '../../support/services.js';

const [postgres, nats] = await Promise.all([probePostgres(), probeNats()]);
const natsServerBinary = probeNatsServerBinary();

/**
 * Declares a suite that needs PostgreSQL and NATS with JetStream — and the `nats-server` binary
 * when it starts servers of its own. Without them it fails, unless the user opted out (see services.ts).
 */
export function describeDistributed(
  title: string,
  body: () => void,
  needs: { privateNatsServer?: boolean } = {},
): void {
  const absent = [postgres, nats, needs.privateNatsServer ? natsServerBinary : undefined].filter(
    (absence): absence is Absence => absence !== undefined,
  );
  describeNeeding(title, absent, body);
}

function probeNatsServerBinary(): Absence | undefined {
  const found = spawnSync('nats-server', ['--version'], { encoding: 'utf8' });
  return found.status === 0
    ? undefined
    : { service: 'nats-server', reason: 'the nats-server binary is not on PATH' };
}

/** Deletes every stream whose name starts with the namespace: what a test run created. */
export async function deleteStreams(natsUrl: string, namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(`${namespace}_`)) await jsm.streams.delete(name);
    }
  } finally {
    await nc.close();
  }
}

export async function countStoredMessages(natsUrl: string, namespace: string): Promise<number> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    let total = 0;
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${namespace}_`)) total += stream.state.messages;
    }
    return total;
  } finally {
    await nc.close();
  }
}

/** The envelope id (`Nats-Msg-Id`) of every message this namespace's streams hold, once per stored copy. */
export async function storedEnvelopeIds(natsUrl: string, namespace: string): Promise<string[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const ids: string[] = [];
    for await (const stream of jsm.streams.list()) {
      if (!stream.config.name.startsWith(`${namespace}_`) || stream.state.messages === 0) continue;
      const consumer = await jetstream(nc).consumers.get(stream.config.name);
      const messages = await consumer.fetch({ max_messages: stream.state.messages, expires: 10_000 });
      for await (const message of messages) {
        ids.push(message.headers?.get('Nats-Msg-Id') ?? `(no id: ${stream.config.name} #${message.seq})`);
        if (message.info.pending === 0) break;
      }
    }
    return ids;
  } finally {
    await nc.close();
  }
}

/** A nats-server of the test's own, on a free port with its own store, stopped and started by its pid only. */
export interface PrivateNatsServer {
  readonly url: string;
  /** SIGKILLs this server and starts it again on the same port and store. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateNatsServer(configFile?: string): Promise<PrivateNatsServer> {
  const port = await freePort();
  const storeDir = await mkdtemp(join(tmpdir(), 'orders-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  let server = await launchNats(port, storeDir, url, configFile);
  const kill = async (signal: NodeJS.Signals) => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const gone = new Promise((resolve) => server.once('exit', resolve));
    server.kill(signal);
    await gone;
  };
  return {
    url,
    restart: async () => {
      await kill('SIGKILL');
      server = await launchNats(port, storeDir, url, configFile);
    },
    stop: async () => {
      await kill('SIGTERM');
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

async function launchNats(
  port: number,
  storeDir: string,
  url: string,
  configFile: string | undefined,
): Promise<ChildProcess> {
  const config = configFile ? ['-c', configFile] : [];
  const server = spawn(
    'nats-server',
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir, ...config],
    {
      stdio: 'ignore',
    },
  );
  const answers = async () => {
    try {
      const nc = await connect({ servers: url, timeout: 500 });
      await (await jetstreamManager(nc)).getAccountInfo();
      await nc.close();
      return true;
    } catch (error) {
      // A server that asks for credentials is up: its refusal of an anonymous client says so.
      if (configFile && error instanceof Error && /authorization/i.test(error.message)) return true;
      throw error;
    }
  };
  try {
    await until(`nats-server on port ${port} comes up`, answers, { everyMs: 100, retryOnError: true });
  } catch (error) {
    server.kill('SIGKILL');
    throw error;
  }
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}
