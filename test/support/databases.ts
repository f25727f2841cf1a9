import { randomBytes } from 'node:crypto';
import { describe } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../../src/platform/db/database.js';
import { openPglite } from '../../src/platform/db/pglite.js';
import { openPostgres } from '../../src/platform/db/postgres.js';
import { describeNeeding, postgresUrl, probePostgres } from './services.js';

export const engines = ['pglite', 'postgres'] as const;
export type Engine = (typeof engines)[number];

/** A fresh, empty database owned by one test. */
export interface TestDatabase {
  readonly engine: Engine;
  readonly db: Database;
  /**
   * Another Database on the same data, as a second process would see it; closed by `dispose`.
   * PGlite has a single connection, so there it is `db` itself.
   */
  openAnother(): Promise<Database>;
  dispose(): Promise<void>;
}

const postgresAbsent = await probePostgres();

/**
 * Declares the suite once per engine, as `<title> [pglite]` and `<title> [postgres]`.
 * Without a reachable PostgreSQL the postgres suite fails, unless the user opted out (see services.ts).
 */
export function describeEachEngine(
  title: string,
  body: (open: () => Promise<TestDatabase>, engine: Engine) => void,
): void {
  describe(`${title} [pglite]`, () => {
    body(openPgliteTestDatabase, 'pglite');
  });
  describePostgres(title, (open) => {
    body(open, 'postgres');
  });
}

/**
 * Declares a suite for PostgreSQL only, as `<title> [postgres]`: for what needs several connections
 * working at once, which PGlite's single connection cannot show.
 */
export function describePostgres(title: string, body: (open: () => Promise<TestDatabase>) => void): void {
  describeNeeding(`${title} [postgres]`, postgresAbsent ? [postgresAbsent] : [], () => {
    body(openPostgresTestDatabase);
  });
}

let emptyCluster: Promise<Blob> | undefined;

/**
 * Creating a PostgreSQL cluster costs PGlite over a second of CPU, several times what loading one
 * does: a process's test databases start from one cluster created and dumped on first use.
 */
function dumpedEmptyCluster(): Promise<Blob> {
  emptyCluster ??= (async () => {
    const pglite = await PGlite.create();
    try {
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  })();
  return emptyCluster;
}

export async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const db = await openPglite({ cluster: await dumpedEmptyCluster() });
  return {
    engine: 'pglite',
    db,
    openAnother: () => Promise.resolve(db),
    dispose: () => db.close(),
  };
}

export async function openPostgresTestDatabase(): Promise<TestDatabase> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await asAdmin(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const open = () => openPostgres({ url: url.toString(), poolSize: 4, applicationName: name });
  const db = await open();
  const others: Database[] = [];
  return {
    engine: 'postgres',
    db,
    openAnother: async () => {
      const other = await open();
      others.push(other);
      return other;
    },
    dispose: async () => {
      await Promise.all([db, ...others].map((each) => each.close()));
      await asAdmin(`drop database if exists ${name} with (force)`);
    },
  };
}

async function asAdmin(sql: string): Promise<void> {
  const admin = await openPostgres({ url: postgresUrl, poolSize: 1 });
  try {
    await admin.exec(sql);
  } finally {
    await admin.close();
  }
}

/** A new, empty PostgreSQL database for a process a test starts: its URL, and how to drop it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(8).toString('hex')}`;
  await asAdmin(`create database ${name}`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => asAdmin(`drop database if exists ${name} with (force)`) };
}
