import type { Sql } from './database.js';

/** The connection, held for each call, outside any transaction. */
export interface MaintenanceConnection {
  query: Sql['query'];
  /** Runs VACUUM or ANALYZE, which change no table's shape. */
  maintain(sql: string): Promise<void>;
}

/** Tables past PostgreSQL's default autovacuum thresholds, and what each one needs. */
const dueTables = `
  select format('%I.%I', schemaname, relname) as "table",
         n_dead_tup > 50 + 0.2 * n_live_tup as vacuum
  from pg_stat_user_tables
  where n_dead_tup > 50 + 0.2 * n_live_tup or n_mod_since_analyze > 50 + 0.1 * n_live_tup`;

/**
 * PGlite runs PostgreSQL in single-user mode, where no autovacuum runs: dead rows would pile up in
 * the tables every message churns (the bus's pending deliveries, leases, checks) and the planner
 * would keep planning for the empty tables it analysed at creation — a timeline lookup becomes a
 * full scan once the timeline is large. This does autovacuum's work by autovacuum's default
 * thresholds, every `intervalMs`.
 */
export class PgliteAutovacuum {
  readonly #connection: MaintenanceConnection;
  readonly #timer: NodeJS.Timeout;
  #pass: Promise<void> = Promise.resolve();

  constructor(connection: MaintenanceConnection, intervalMs: number) {
    this.#connection = connection;
    this.#timer = setInterval(() => {
      this.#pass = this.#pass.then(() => this.pass()).catch(() => undefined);
    }, intervalMs);
    this.#timer.unref();
  }

  /** Vacuums and analyses what is due now. */
  async pass(): Promise<void> {
    const due = await this.#connection.query<{ table: string; vacuum: boolean }>(dueTables);
    for (const { table, vacuum } of due)
      await this.#connection.maintain(`${vacuum ? 'vacuum (analyze)' : 'analyze'} ${table}`);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#pass;
  }
}
