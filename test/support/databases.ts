import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Database } from '../../src/platform/db/database.js';
import { openPglite } from '../../src/platform/db/pglite.js';
import { openPostgres } from '../../src/platform/db/postgres.js';

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

const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const postgresUnreachable = await probePostgres();

/**
 * Declares the suite once per engine, as `<title> [pglite]` and `<title> [postgres]`.
 * Without a reachable PostgreSQL the postgres suite is skipped, except on CI where it fails.
 */
export function describeEachEngine(
  title: string,
  body: (open: () => Promise<TestDatabase>, engine: Engine) => void,
): void {
  describe(`${title} [pglite]`, () => {
    body(openPgliteTestDatabase, 'pglite');
  });

  const postgresTitle = `${title} [postgres]`;
  if (postgresUnreachable === undefined) {
    describe(postgresTitle, () => {
      body(openPostgresTestDatabase, 'postgres');
    });
  } else if (process.env.CI) {
    describe(postgresTitle, () => {
      it('reaches PostgreSQL, which CI requires', () => {
        throw postgresUnreachable;
      });
    });
  } else {
    const { cause } = postgresUnreachable;
    const why = cause instanceof Error ? cause.message : postgresUnreachable.message;
    const skip = `PostgreSQL was not reachable at ${postgresUrl} (${why}); set TEST_DATABASE_URL to run these`;
    describe(postgresTitle, { skip }, () => {
      body(openPostgresTestDatabase, 'postgres');
    });
  }
}

async function probePostgres(): Promise<Error | undefined> {
  try {
    const db = await openPostgres({ url: postgresUrl, poolSize: 1 });
    await db.close();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

export async function openPgliteTestDatabase(): Promise<TestDatabase> {
  const db = await openPglite({});
  return {
    engine: 'pglite',
    db,
    openAnother: () => Promise.resolve(db),
    dispose: () => db.close(),
  };
}

async function openPostgresTestDatabase(): Promise<TestDatabase> {
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
