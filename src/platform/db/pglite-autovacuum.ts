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
 * thresholds, `delayMs` after rows changed: one pass for all the writes of that while, none at all
 * while nothing is written, so that an idle server costs nothing.
 */
export class PgliteAutovacuum {
  readonly #connection: MaintenanceConnection;
  readonly #delayMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** Rows changed since the current pass was scheduled. */
  #written = false;
  #stopped = false;
  #pass: Promise<void> = Promise.resolve();

  constructor(connection: MaintenanceConnection, delayMs: number) {
    this.#connection = connection;
    this.#delayMs = delayMs;
  }

  /** Rows were inserted, updated or deleted: a pass follows, unless one is already scheduled. */
  noteWrites(): void {
    this.#written = true;
    if (this.#timer === undefined && !this.#stopped) this.#schedule();
  }

  /** Vacuums and analyses what is due now. */
  async pass(): Promise<void> {
    // Statistics reach the views in batches: this makes the next statement see the latest writes.
    await this.#connection.query('select pg_stat_force_next_flush()');
    const due = await this.#connection.query<{ table: string; vacuum: boolean }>(dueTables);
    for (const { table, vacuum } of due)
      await this.#connection.maintain(`${vacuum ? 'vacuum (analyze)' : 'analyze'} ${table}`);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#pass;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      // Writes from here on are noted for the next pass, which this one schedules when it ends.
      this.#written = false;
      this.#pass = this.pass()
        .catch(() => undefined)
        .finally(() => {
          this.#timer = undefined;
          if (this.#written && !this.#stopped) this.#schedule();
        });
    }, this.#delayMs);
    this.#timer.unref();
  }
}
