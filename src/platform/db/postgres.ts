import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRequire } from 'node:module';
import type pgModule from 'pg';
import type { Database, Sql } from './database.js';

/**
 * node-postgres, loaded on first use through `require`: the OpenTelemetry pg instrumentation hooks
 * `require` (an ESM import of pg passes it by), and a host starts tracing before its first database.
 */
let driver: typeof pgModule | undefined;
const pg = (): typeof pgModule => (driver ??= createRequire(import.meta.url)('pg') as typeof pgModule);

// Per pool rather than on the global pg.types, so no other pg user in the process is affected.
// Same JS shapes as the PGlite driver.
const typeParsers: pgModule.CustomTypesConfig = {
  getTypeParser: (oid, format) => {
    const { types } = pg();
    return oid === types.builtins.INT8 || oid === types.builtins.NUMERIC
      ? Number
      : (types.getTypeParser(oid, format) as (text: string) => unknown);
  },
};

const SERIALIZATION_FAILURE = '40001';
const DEADLOCK_DETECTED = '40P01';
const FEATURE_NOT_SUPPORTED = '0A000';
const MAX_RETRIES = 5;
const BASE_BACKOFF_MS = 10;

/** A pooled PostgreSQL connection; rejects when the first connection cannot be made. */
export async function openPostgres(options: {
  url: string;
  poolSize?: number;
  applicationName?: string;
}): Promise<Database> {
  const pool = new (pg().Pool)({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName,
    types: typeParsers,
  });
  // An idle client lost its connection: the pool has already discarded it and opens a new one on
  // demand. Unhandled, the 'error' event would crash the process.
  pool.on('error', ignore);
  try {
    await pool.query('select 1');
  } catch (error) {
    await pool.end();
    const target = withoutPassword(options.url);
    throw new Error(`Could not connect to PostgreSQL at ${target}: ${messageOf(error)}`, { cause: error });
  }

  return {
    dialect: 'postgres',
    ...sqlOn(pool),
    transaction: (work) => withRetries(() => transactionOnce(pool, work)),
    ping: async () => {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

async function transactionOnce<T>(pool: pgModule.Pool, work: (tx: Sql) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  guardAgainstConnectionErrors(client);
  let connectionBroken = false;
  try {
    await client.query('begin');
    const result = await work(sqlOn(client));
    const { command } = await client.query('commit');
    if (command === 'ROLLBACK')
      throw new Error('The transaction was rolled back by an earlier error inside it');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is in an unknown state: destroy it, don't pool it.
    await client.query('rollback').catch(() => {
      connectionBroken = true;
    });
    throw error;
  } finally {
    client.release(connectionBroken);
  }
}

const guardedClients = new WeakSet<pgModule.PoolClient>();

/**
 * While checked out the pool does not listen for the client's errors, and a client destroyed after
 * a broken connection may still report the server's termination later: unheard, that 'error' event
 * would crash the process. The guard stays for the client's whole life (the next query rejects anyway).
 */
function guardAgainstConnectionErrors(client: pgModule.PoolClient): void {
  if (guardedClients.has(client)) return;
  guardedClients.add(client);
  client.on('error', ignore);
}

async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (retry === MAX_RETRIES || !isTransient(error)) throw error;
      // Full jitter keeps the competing transactions from colliding again in lockstep.
      await sleep(Math.random() * BASE_BACKOFF_MS * 2 ** retry);
    }
  }
}

function isTransient(error: unknown): boolean {
  const code = error instanceof pg().DatabaseError ? error.code : undefined;
  return code === SERIALIZATION_FAILURE || code === DEADLOCK_DETECTED;
}

/**
 * Each statement is prepared once per connection and then only bound and executed: the server
 * skips parsing and, after a few runs, planning. Its name comes from its text, so it is the same on
 * every connection and never names two statements; and from a generation that a schema change
 * advances, because a prepared statement must not change the shape of what it returns.
 */
class StatementNames {
  #generation = 0;
  #names = new Map<string, string>();

  of(text: string): string {
    let name = this.#names.get(text);
    if (name === undefined) {
      const hash = createHash('sha1').update(text).digest('hex').slice(0, 20);
      name = `s${this.#generation}_${hash}`;
      this.#names.set(text, name);
    }
    return name;
  }

  /** Statements are prepared afresh under new names from now on. */
  renew(): void {
    this.#generation += 1;
    this.#names = new Map();
  }
}

const statementNames = new StatementNames();

function sqlOn(client: pgModule.Pool | pgModule.PoolClient): Sql {
  const run = (text: string, params?: readonly unknown[]) =>
    client.query({ name: statementNames.of(text), text, values: params && [...params] });
  return {
    query: async <Row>(text: string, params?: readonly unknown[]) => {
      try {
        return (await run(text, params)).rows as Row[];
      } catch (error) {
        // Another process changed a table this statement reads since it was prepared here.
        if (!isStalePlan(error)) throw error;
        statementNames.renew();
        return (await run(text, params)).rows as Row[];
      }
    },
    // Without parameters pg uses the simple protocol, which accepts several statements.
    exec: async (sql) => {
      await client.query(sql);
      statementNames.renew();
    },
  };
}

function isStalePlan(error: unknown): boolean {
  return (
    error instanceof pg().DatabaseError &&
    error.code === FEATURE_NOT_SUPPORTED &&
    /cached plan/.test(error.message)
  );
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable connection URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const ignore = (): void => undefined;
