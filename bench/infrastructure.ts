import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** The machine's PostgreSQL and NATS, shared with others: a run touches only what carries its own name. */
export const postgresUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
export const natsUrl = 'nats://127.0.0.1:4222';

/** A name of a run's own, `bench_<random>`: the prefix of its databases and its NATS namespace. */
export const benchName = () => `bench_${randomBytes(4).toString('hex')}`;

export function databaseUrl(name: string): string {
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Deletes the streams of `namespace`, and with them their consumers. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(`${namespace}_`)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}
