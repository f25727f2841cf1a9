import { mkdir } from 'node:fs/promises';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import type { Database, Sql } from './database.js';

// Same JS shapes as the postgres driver. PGlite alone would return numeric as a string
// and int8 as a bigint once it leaves the safe-integer range.
const parsers = { [types.INT8]: Number, [types.NUMERIC]: Number };

/** Embedded PostgreSQL on `dataDir`, or in memory when it is omitted. */
export async function openPglite(options: { dataDir?: string }): Promise<Database> {
  if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({ dataDir: options.dataDir, parsers });
  return {
    dialect: 'pglite',
    ...sqlOn(pglite),
    // One connection runs one transaction at a time, so there are no serialization
    // failures or deadlocks to retry.
    transaction: (work) => pglite.transaction((tx) => work(sqlOn(tx))),
    ping: async () => {
      await pglite.query('select 1');
    },
    close: () => pglite.close(),
  };
}

function sqlOn(target: PGlite | Transaction): Sql {
  return {
    query: async <Row>(text: string, params?: readonly unknown[]) =>
      (await target.query<Row>(text, params && [...params])).rows,
    exec: async (sql) => {
      await target.exec(sql);
    },
  };
}
