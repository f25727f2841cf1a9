import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers/promises';
import { PGlite, types } from '@electric-sql/pglite';
import type { Database, Sql } from './database.js';
import { PgliteAutovacuum } from './pglite-autovacuum.js';
import { ensureCluster } from './pglite-initdb.js';
import { PgliteSession } from './pglite-session.js';

/** How long after rows changed the tables are looked at for vacuuming and analysing. */
const AUTOVACUUM_DELAY_MS = 5_000;

/**
 * The engine answers synchronously and its lock passes to the next waiter in a microtask, so a queue
 * of work would keep the event loop to itself until it drained, every socket (`/health` included)
 * waiting. Past this long without a turn, the next holder first lets the loop run once.
 */
const MAX_TURN_MS = 100;

/**
 * PGlite's buffer cache lives in the process's WebAssembly memory; files it does not hold are one
 * read away in the operating system's page cache. 16 MB rather than PostgreSQL's 128 MB keeps the
 * embedded runtime near 250 MB resident.
 */
const SHARED_BUFFERS = '16MB';

// Same JS shapes as the postgres driver. PGlite alone would return numeric as a string
// and int8 as a bigint once it leaves the safe-integer range.
const parsers = { [types.INT8]: Number, [types.NUMERIC]: Number };

/**
 * Embedded PostgreSQL on `dataDir`, or in memory when it is omitted. An in-memory database starts from
 * `cluster` (a `dumpDataDir` tarball) when it is given, rather than creating its cluster.
 */
export async function openPglite(options: { dataDir?: string; cluster?: Blob }): Promise<Database> {
  if (options.dataDir !== undefined) await ensureCluster(options.dataDir);
  const pglite = await PGlite.create({
    dataDir: options.dataDir,
    loadDataDir: options.cluster,
    parsers,
    postgresqlconf: [`shared_buffers=${SHARED_BUFFERS}`],
  });
  const session = new PgliteSession(pglite, () => {
    autovacuum.noteWrites();
  });
  // One connection: every statement and every transaction holds it for its whole run.
  let lastTurn = performance.now();
  const exclusive = <T>(work: () => Promise<T>) =>
    pglite.runExclusive(async () => {
      if (performance.now() - lastTurn > MAX_TURN_MS) {
        await setImmediate();
        lastTurn = performance.now();
      }
      return work();
    });
  const query: Sql['query'] = (text, params) => exclusive(() => session.query(text, params));
  const autovacuum = new PgliteAutovacuum(
    { query, maintain: (sql) => exclusive(() => session.maintain(sql)) },
    AUTOVACUUM_DELAY_MS,
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
