import type { Envelope } from '../../../contracts/index.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../kernel/logger.js';
import { LeasedWorker } from '../jobs/leased-worker.js';
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
export class OutboxRelay extends LeasedWorker<readonly OutboxRow[]> {
  readonly #options: Required<OutboxRelayOptions>;
  /** None on PGlite: it serves a single process, so there is no other relay to keep out. */
  readonly #lease: RelayLease | undefined;
  #leading = false;
  #lastCleanup = 0;

  constructor(options: OutboxRelayOptions) {
    const withDefaults = {
      batchSize: 200,
      pollIntervalMs: 500,
      retentionMs: 60 * 60_000,
      leaseMs: 5_000,
      ...options,
    };
    super({
      name: `${options.schema}-outbox-relay`,
      logger: options.logger,
      bell: options.outbox.appended,
      pollMs: withDefaults.pollIntervalMs,
      maxFailurePauseMs: 10_000,
    });
    this.#options = withDefaults;
    this.#lease =
      options.db.dialect === 'pglite'
        ? undefined
        : new RelayLease(options.db, options.schema, this.#options.leaseMs);
  }

  /** Stops after publishing what is already committed (as far as the bus takes it), then hands the lease over. */
  override async stop(): Promise<void> {
    await super.stop();
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
    const [rows] = await this.#unpublished();
    if (!rows) return 0;
    await this.work(rows);
    return rows.length;
  }

  /** The next batch to publish, in commit order, while this replica leads. */
  protected async claim(): Promise<(readonly OutboxRow[])[]> {
    this.#leading = await this.#leads();
    if (!this.#leading) return [];
    await this.#cleanupNow();
    return this.#unpublished();
  }

  protected claimWasFull([rows]: readonly (readonly OutboxRow[])[]): boolean {
    return (rows?.length ?? 0) >= this.#options.batchSize;
  }

  /** Nothing is scheduled: a row is due once committed, and this process's commits ring. */
  protected async untilNextDue(): Promise<undefined> {
    return undefined;
  }

  protected async work(rows: readonly OutboxRow[]): Promise<void> {
    const { db, schema, bus } = this.#options;
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
  }

  /** A follower is woken by the clock only: this replica's own commits are the leader's to publish. */
  protected override async idle(): Promise<boolean> {
    if (this.#leading) return super.idle();
    await this.pause(this.#options.pollIntervalMs);
    return false;
  }

  async #unpublished(): Promise<(readonly OutboxRow[])[]> {
    const { db, schema, batchSize } = this.#options;
    const rows = await db.query<OutboxRow>(
      `select seq, channel, envelope from ${schema}.outbox where published_at is null order by seq limit $1`,
      [batchSize],
    );
    return rows.length === 0 ? [] : [rows];
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
