import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Sql } from './database.js';
import { PgliteAutovacuum } from './pglite-autovacuum.js';
import { ensureCluster } from './pglite-initdb.js';
import { PgliteSession } from './pglite-session.js';

const AUTOVACUUM_INTERVAL_MS = 5_000;

/**
 * PGlite's buffer cache lives in the process's WebAssembly memory; files it does not hold are one
 * read away in the operating system's page cache. 16 MB rather than PostgreSQL's 128 MB keeps the
 * embedded runtime near 250 MB resident.
 */
const SHARED_BUFFERS = '16MB';

// Same JS shapes as the postgres driver. PGlite alone would return numeric as a string
// and int8 as a bigint once it leaves the safe-integer range.
const parsers = { [types.INT8]: Number, [types.NUMERIC]: Number };

/** Embedded PostgreSQL on `dataDir`, or in memory when it is omitted. */
export async function openPglite(options: { dataDir?: string }): Promise<Database> {
  if (options.dataDir !== undefined) await ensureCluster(options.dataDir);
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    parsers,
    postgresqlconf: [`shared_buffers=${SHARED_BUFFERS}`],
  });
  const session = new PgliteSession(pglite);
  // One connection: every statement and every transaction holds it for its whole run.
  const exclusive = <T>(work: () => Promise<T>) => pglite.runExclusive(work);
  const query: Sql['query'] = (text, params) => exclusive(() => session.query(text, params));
  const autovacuum = new PgliteAutovacuum(
    { query, maintain: (sql) => exclusive(() => session.maintain(sql)) },
    AUTOVACUUM_INTERVAL_MS,
  );
  return {
    dialect: 'pglite',
    query,
    exec: (sql) =>
      exclusive(async () => {
        await session.exec(sql);
      }),
    // Transactions run one at a time, so there are no serialization failures or deadlocks to retry.
    transaction: (work) => exclusive(() => inTransaction(session, work)),
    ping: async () => {
      await exclusive(() => session.query('select 1'));
    },
    close: async () => {
      await autovacuum.stop();
      await pglite.close();
    },
  };
}

async function inTransaction<T>(session: PgliteSession, work: (tx: Sql) => Promise<T>): Promise<T> {
  let open = true;
  const whileOpen = <R>(run: () => Promise<R>): Promise<R> => {
    if (!open) return Promise.reject(new Error('The transaction has ended'));
    return run();
  };
  const tx: Sql = {
    query: (text, params) => whileOpen(() => session.query(text, params)),
    exec: (sql) =>
      whileOpen(async () => {
        await session.exec(sql);
      }),
  };
  await session.begin();
  try {
    const result = await work(tx);
    open = false;
    await session.commit();
    return result;
  } catch (error) {
    if (open) {
      open = false;
      await session.rollback();
    }
    throw error;
  }
}
