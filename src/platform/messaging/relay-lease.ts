import { randomUUID } from 'node:crypto';
import type { Database, Migration } from '../db/database.js';

/** The table holding who relays a service's outbox; one row at most. */
export function relayLeaseTable(schema: string): Migration {
  return {
    name: '000_outbox_relay_lease',
    sql: `
      create table ${schema}.outbox_relay_lease (
        singleton boolean primary key default true check (singleton),
        holder text not null,
        expires_at timestamptz not null
      );
    `,
  };
}

/**
 * Leadership among the replicas of one service's outbox relay, as a lease row renewed by its
 * holder and taken over by another replica once it lapses. Times are the database's, so replicas'
 * clocks need not agree. Two holders at once (one paused past its lease) cost duplicate publishes,
 * which the broker drops by envelope id, never disorder: see OutboxRelay.
 */
export class RelayLease {
  readonly holder = randomUUID();
  readonly #db: Database;
  readonly #schema: string;
  readonly #durationMs: number;
  /** Until then (local time) the lease is surely still held: a third of its duration after renewal. */
  #renewDueAt = 0;

  constructor(db: Database, schema: string, durationMs: number) {
    this.#db = db;
    this.#schema = schema;
    this.#durationMs = durationMs;
  }

  /** True when this relay holds the lease, taking or renewing it when due. */
  async hold(): Promise<boolean> {
    const now = Date.now();
    if (now < this.#renewDueAt) return true;
    const rows = await this.#db.query(
      `insert into ${this.#schema}.outbox_relay_lease (singleton, holder, expires_at)
       values (true, $1, now() + $2 * interval '1 millisecond')
       on conflict (singleton) do update set holder = excluded.holder, expires_at = excluded.expires_at
       where outbox_relay_lease.holder = excluded.holder or outbox_relay_lease.expires_at < now()
       returning 1`,
      [this.holder, this.#durationMs],
    );
    this.#renewDueAt = rows.length === 0 ? 0 : now + this.#durationMs / 3;
    return rows.length > 0;
  }

  /** Hands the lease over at once, instead of after it lapses. */
  async release(): Promise<void> {
    this.#renewDueAt = 0;
    await this.#db.query(`delete from ${this.#schema}.outbox_relay_lease where holder = $1`, [this.holder]);
  }
}
