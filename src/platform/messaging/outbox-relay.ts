import type { Envelope } from '../../../contracts/index.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../kernel/logger.js';
import { Signal } from '../kernel/signal.js';
import type { MessageBus } from './bus.js';
import type { Outbox } from './outbox.js';
import { RelayLease } from './relay-lease.js';

export interface OutboxRelayOptions {
  readonly db: Database;
  readonly schema: string;
  readonly bus: MessageBus;
  readonly outbox: Outbox;
  readonly logger: Logger;
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  readonly retentionMs?: number;
  /** How long the relay's leadership lasts unrenewed; another replica's relay takes over after it lapses. */
  readonly leaseMs?: number;
}

interface OutboxRow {
  seq: number;
  channel: string;
  envelope: Envelope;
}

/**
 * Publishes a service's outbox to the bus in commit order. A crash between publishing and marking
 * publishes the same envelopes again: the bus drops them by envelope id.
 *
 * Of several replicas, the one holding the lease relays; the others wait to take over. Should two
 * ever relay at once (a holder paused past its lease), each aggregate's order still holds: each
 * relay publishes an aggregate's messages in order, each after the previous one was stored by
 * either relay, so whichever copy of a message arrives first lands after its predecessor.
 */
export class OutboxRelay {
  readonly #options: Required<OutboxRelayOptions>;
  /** None on PGlite: it serves a single process, so there is no other relay to keep out. */
  readonly #lease: RelayLease | undefined;
  readonly #stopping = new Signal();
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  #lastCleanup = 0;

  constructor(options: OutboxRelayOptions) {
    this.#options = {
      batchSize: 200,
      pollIntervalMs: 500,
      retentionMs: 60 * 60_000,
      leaseMs: 5_000,
      ...options,
    };
    this.#lease =
      options.db.dialect === 'pglite'
        ? undefined
        : new RelayLease(options.db, options.schema, this.#options.leaseMs);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops after publishing what is already committed (as far as the bus takes it), then hands the lease over. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#options.outbox.appended.notify();
    this.#stopping.notify();
    await this.#loop;
    if (await this.#leads().catch(() => false)) await this.relayOnce().catch(() => 0);
    await this.#lease?.release().catch(() => undefined);
  }

  async backlog(): Promise<number> {
    const [row] = await this.#options.db.query<{ count: number }>(
      `select count(*)::int as count from ${this.#options.schema}.outbox where published_at is null`,
    );
    return row?.count ?? 0;
  }

  /** Publishes one batch; returns how many messages it published. */
  async relayOnce(): Promise<number> {
    const { db, schema, bus, batchSize } = this.#options;
    const rows = await db.query<OutboxRow>(
      `select seq, channel, envelope from ${schema}.outbox where published_at is null order by seq limit $1`,
      [batchSize],
    );
    if (rows.length === 0) return 0;
    const seqs = rows.map((row) => row.seq);
    try {
      await bus.publish(rows.map(({ channel, envelope }) => ({ channel, envelope })));
    } catch (error) {
      await db.query(
        `update ${schema}.outbox set attempts = attempts + 1, last_error = $2 where seq = any ($1::bigint[])`,
        [seqs, String(error)],
      );
      throw error;
    }
    await db.query(`update ${schema}.outbox set published_at = now() where seq = any ($1::bigint[])`, [seqs]);
    return rows.length;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      try {
        if (!(await this.#leads())) {
          // Woken by the clock only: this replica's own commits are the leader's to publish.
          await this.#stopping.wait(this.#options.pollIntervalMs);
          continue;
        }
        const published = await this.relayOnce();
        failures = 0;
        await this.#cleanupNow();
        if (published < this.#options.batchSize)
          await this.#options.outbox.appended.wait(this.#options.pollIntervalMs);
      } catch (error) {
        failures += 1;
        this.#options.logger.warn(
          { err: error, schema: this.#options.schema, failures },
          'outbox relay failed, retrying',
        );
        await this.#options.outbox.appended.wait(Math.min(100 * 2 ** failures, 10_000));
      }
    }
  }

  async #leads(): Promise<boolean> {
    return this.#lease ? this.#lease.hold() : true;
  }

  async #cleanupNow(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastCleanup < 60_000) return;
    this.#lastCleanup = now;
    await this.#options.db.query(
      `delete from ${this.#options.schema}.outbox where published_at < now() - $1 * interval '1 millisecond'`,
      [this.#options.retentionMs],
    );
  }
}
