import type { Sql } from '../db/database.js';

/**
 * A table of jobs that workers claim under a lease. Its rows have a `status` ('pending' until
 * done), `next_attempt_at`, `lease_until` and, when `countsAttempts`, `attempts`.
 */
export interface JobTableOptions {
  /** Schema-qualified: `notifications.notifications`. */
  readonly table: string;
  readonly key: string;
  /** The order in which due jobs are claimed. */
  readonly order: string;
  /** The columns a claim returns, as SQL (`job_id as "jobId", …`). */
  readonly returning: string;
  /** Counts the attempt at the claim, before it is made. */
  readonly countsAttempts: boolean;
  /** A further condition on the due jobs (the candidate row is `job`). */
  readonly alsoWhen?: string;
}

export interface JobTable<Claimed> {
  /**
   * Claims up to `limit` due jobs in one short statement: the lease keeps other workers off them
   * while they are worked, `skip locked` lets replicas claim side by side.
   */
  readonly claimDue: (sql: Sql, limit: number, leaseMs: number) => Promise<Claimed[]>;
  readonly countPending: (sql: Sql) => Promise<number>;
  /**
   * Milliseconds until the earliest pending job that is not due yet comes due (its retry time, or
   * the end of another worker's lease), by the database's clock; undefined when none is pending.
   */
  readonly untilNextDue: (sql: Sql) => Promise<number | undefined>;
  /** Puts a pending job off by `delayMs`, remembering why, and lets it go. */
  readonly retryLater: (sql: Sql, id: string, retry: { delayMs: number; error: string }) => Promise<void>;
}

export function jobTable<Claimed>(options: JobTableOptions): JobTable<Claimed> {
  const { table, key, order, returning, countsAttempts, alsoWhen } = options;
  const claimSql = `update ${table}
     set lease_until = now() + $2 * interval '1 millisecond'${countsAttempts ? ', attempts = attempts + 1' : ''}
     where ${key} in (
       select ${key} from ${table} job
       where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
         ${alsoWhen ? `and ${alsoWhen}` : ''}
       order by ${order}
       limit $1
       for update skip locked
     )
     returning ${returning}`;
  const nextDueSql = `select ceil(extract(epoch from min(greatest(next_attempt_at, lease_until)) - now()) * 1000)::float8 as ms
     from ${table} job
     where status = 'pending' ${alsoWhen ? `and ${alsoWhen}` : ''}`;
  return {
    claimDue: (sql, limit, leaseMs) => sql.query<Claimed>(claimSql, [limit, leaseMs]),
    countPending: async (sql) => {
      const [row] = await sql.query<{ count: number }>(
        `select count(*)::int as count from ${table} where status = 'pending'`,
      );
      return row?.count ?? 0;
    },
    untilNextDue: async (sql) => {
      const [row] = await sql.query<{ ms: number | null }>(nextDueSql);
      return row?.ms ?? undefined;
    },
    retryLater: async (sql, id, retry) => {
      await sql.query(
        `update ${table}
         set next_attempt_at = now() + $2 * interval '1 millisecond', last_error = $3, lease_until = null
         where ${key} = $1 and status = 'pending'`,
        [id, retry.delayMs, retry.error],
      );
    },
  };
}
