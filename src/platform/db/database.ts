/**
 * The storage port. Services speak one PostgreSQL dialect ($1 parameters, schemas, row locks);
 * PGlite (embedded) and node-postgres (distributed) both implement it.
 */
export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs parameterless SQL that may hold several statements, such as a migration. */
  exec(sql: string): Promise<void>;
}

export interface Database extends Sql {
  readonly dialect: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction: commit when it resolves, rollback when it throws.
   * Serialization failures and deadlocks are retried a few times before the error surfaces.
   */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /** Cheap round trip used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface Migration {
  /** Stable, ordered name such as `001_orders`. Applied once per schema. */
  readonly name: string;
  readonly sql: string;
}

/**
 * How long a background loop over `db` may go without looking for work nobody announced to it. On
 * PGlite this process is the database's only writer and announces all it writes, so an unannounced
 * look is a mere backstop against a missed wake-up; on a shared database it is how the work of
 * other processes is found, every `sharedMs`.
 */
export function unannouncedLookMs(db: Pick<Database, 'dialect'>, sharedMs: number): number {
  return db.dialect === 'pglite' ? SOLE_WRITER_BACKSTOP_MS : sharedMs;
}

const SOLE_WRITER_BACKSTOP_MS = 60_000;
