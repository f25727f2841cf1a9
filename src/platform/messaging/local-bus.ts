import { hasUnstorableText, printable, type Envelope } from '../../../contracts/index.js';
import { unannouncedLookMs, type Database, type Migration, type Sql } from '../db/database.js';
import { migrate } from '../db/migrations.js';
import type {
  Announcement,
  ConsumerStats,
  DatabaseBus,
  Delivery,
  MessageBus,
  OutgoingMessage,
  Subscription,
  SubscriptionOptions,
} from './bus.js';
import { ContractViolation } from '../kernel/errors.js';
import { Alarm } from '../kernel/alarm.js';
import { Signal } from '../kernel/signal.js';
import { tickBatchOfEffects } from '../kernel/tick-batch.js';

const migrations: Migration[] = [
  {
    name: '001_local_bus',
    sql: `
      create table bus.messages (
        seq bigserial primary key,
        id text not null unique,
        channel text not null,
        envelope jsonb not null,
        stored_at timestamptz not null default now()
      );
      create table bus.consumers (
        name text primary key,
        channels text[] not null
      );
      create table bus.pending (
        consumer text not null references bus.consumers (name),
        seq bigint not null references bus.messages (seq),
        deliveries integer not null default 0,
        visible_at timestamptz not null default now(),
        primary key (consumer, seq)
      );
      create index pending_due on bus.pending (consumer, visible_at, seq);
    `,
  },
  {
    // The log is written once and read back whole, never queried inside: json keeps the text as it
    // came, where jsonb parses it into its binary form and prints it again at each claim. It also
    // holds any text JSON can carry, as JetStream holds any bytes, so a consumer dead-letters a
    // message whose text its database cannot hold rather than the bus refusing it to its producer.
    name: '002_local_bus_json_log',
    sql: 'alter table bus.messages alter column envelope type json using envelope::json;',
  },
  {
    // A claim reads a consumer's deliveries in key order and skips those not yet due: the few in
    // flight and those waiting out a nak's delay. Without an index on the time a delivery comes due,
    // claiming it changes no indexed column, so the update can stay on its page and write no index
    // entry (room is left on each page for that); each delivery then writes one index entry, on
    // insert, where it wrote four. The price is paid in an outage: a claim reads past the deliveries
    // waiting out a delay (5,000 of one consumer: 0.8 ms a claim on PostgreSQL, 0.16 with the index).
    name: '003_pending_claimed_in_key_order',
    sql: `
      drop index bus.pending_due;
      alter table bus.pending set (fillfactor = 80);
    `,
  },
];

export interface LocalBusOptions {
  /** How long a published id is remembered for de-duplication. */
  readonly dedupWindowMs: number;
  /**
   * Longest wait between two claims of an idle subscription. Publishes wake it, and so does each
   * delivery it handed out when it comes back (after a nak's delay, or an ack-wait that ran out);
   * the poll is a backstop for what neither announces, such as another process on the database
   * (by default every 30 s on PostgreSQL, every minute on PGlite, which has no other process).
   */
  readonly pollIntervalMs: number;
}

const DEDUP_WINDOW_MS = 10 * 60_000;
const SHARED_DATABASE_POLL_MS = 30_000;

/** The pause before claiming again after a claim failed (the database away for a moment). */
const CLAIM_FAILURE_PAUSE_MS = 1000;

/**
 * A redelivery is looked for this long after it is due by this process's clock, which counts
 * milliseconds where the database's counts microseconds.
 */
const CLOCK_MARGIN_MS = 1;

/**
 * Under load a subscription claims again once a quarter of its room is free rather than as each
 * delivery settles: a claim costs about as much for one message as for a dozen.
 */
const REFILL_SHARE = 4;

/**
 * The embedded runtime's broker: a durable log with per-consumer pending sets, kept in the same
 * database as the services (schema `bus`). It gives what JetStream gives a service — durable
 * consumers, redelivery after nak or ack-wait, de-duplication by message id — so the services
 * cannot tell the two apart.
 */
export class LocalBus implements MessageBus {
  readonly system = 'orders-local-bus';
  readonly #db: Database;
  readonly #options: LocalBusOptions;
  readonly #subscriptions = new Set<LocalSubscription>();
  readonly #cleanup: NodeJS.Timeout;

  private constructor(db: Database, options: LocalBusOptions) {
    this.#db = db;
    this.#options = options;
    this.#cleanup = setInterval(() => void this.#forgetOldMessages().catch(() => undefined), 30_000);
    this.#cleanup.unref();
  }

  static async open(db: Database, options: Partial<LocalBusOptions> = {}): Promise<LocalBus> {
    await migrate(db, 'bus', migrations);
    // Claims held by a previous process died with it: make them deliverable now rather than after ack-wait.
    await db.query('update bus.pending set visible_at = now() where visible_at > now()');
    return new LocalBus(db, {
      dedupWindowMs: DEDUP_WINDOW_MS,
      pollIntervalMs: unannouncedLookMs(db, SHARED_DATABASE_POLL_MS),
      ...options,
    });
  }

  readonly inDatabase: DatabaseBus = {
    holds: (db) => db === this.#db,
    publishWithin: (tx, messages) => this.#store(tx, messages),
  };

  async publish(messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const announce = await this.#db.transaction((tx) => this.#store(tx, messages));
    announce();
  }

  /**
   * Appends to the log, skipping ids already stored, and queues each new message for its consumers.
   * A subscription of this process that has nothing waiting and room for the lot is handed its
   * messages: their deliveries are claimed in this transaction and given to it on the commit, which
   * saves it a claim and a hop through the database. The others are woken to claim theirs.
   */
  async #store(tx: Sql, messages: readonly OutgoingMessage[]): Promise<Announcement> {
    if (messages.length === 0) return () => undefined;
    // The log keys messages by id in a text column, which holds no NUL and turns a lone surrogate into
    // U+FFFD (two ids could then become one): such an id is refused to its producer by name.
    const unkeyable = messages.find(({ envelope }) => hasUnstorableText(envelope.id));
    if (unkeyable)
      throw new ContractViolation(
        `The embedded bus refuses message ${printable(unkeyable.envelope.id)} on ${unkeyable.channel}: its id holds NUL or a lone surrogate`,
        [],
      );
    const texts = new Map(messages.map((m) => [m.envelope.id, JSON.stringify(m.envelope)]));
    const takers = this.#takersOf(messages);
    const queued = await tx.query<{ consumer: string; seq: number; id: string; handedOver: boolean }>(
      `with stored as (
         insert into bus.messages (id, channel, envelope)
         select id, channel, envelope::json from unnest($1::text[], $2::text[], $3::text[]) as m (id, channel, envelope)
         on conflict (id) do nothing
         returning seq, id, channel
       ), queued as (
         insert into bus.pending (consumer, seq, deliveries, visible_at)
         select c.name, stored.seq, case when t.consumer is null then 0 else 1 end,
                now() + coalesce(t.ack_wait_ms, 0) * interval '1 millisecond'
         from stored
         join bus.consumers c on stored.channel = any (c.channels)
         left join unnest($4::text[], $5::int[]) as t (consumer, ack_wait_ms) on t.consumer = c.name
         returning consumer, seq, deliveries
       )
       select q.consumer, q.seq, s.id, q.deliveries = 1 as "handedOver"
       from queued q join stored s on s.seq = q.seq`,
      [
        messages.map((m) => m.envelope.id),
        messages.map((m) => m.channel),
        messages.map((m) => texts.get(m.envelope.id)),
        [...takers.keys()],
        [...takers.values()].map((taker) => taker.ackWaitMs),
      ],
    );
    return () => {
      const waiting = new Set(queued.filter((row) => !row.handedOver).map((row) => row.consumer));
      for (const subscription of this.#subscriptions)
        if (waiting.has(subscription.consumer)) subscription.noteWaiting();
      const unclaimed: { consumer: string; seq: number }[] = [];
      for (const { consumer, seq, id, handedOver } of queued) {
        if (!handedOver) continue;
        // A copy read back from the text stored, as a claim would have read it from the log.
        const envelope = JSON.parse(texts.get(id) as string) as Envelope;
        if (!takers.get(consumer)?.take({ seq, deliveries: 1, envelope })) unclaimed.push({ consumer, seq });
      }
      // Should the give-back fail, the deliveries come again once their ack-wait runs out.
      if (unclaimed.length > 0) void this.#unclaim(unclaimed).catch(() => undefined);
    };
  }

  /** The subscriptions to hand the messages to, by consumer: one per consumer, idle and with room for all of its share. */
  #takersOf(messages: readonly OutgoingMessage[]): Map<string, LocalSubscription> {
    const takers = new Map<string, LocalSubscription>();
    for (const subscription of this.#subscriptions) {
      if (takers.has(subscription.consumer)) continue;
      const share = messages.filter((message) => subscription.channels.includes(message.channel)).length;
      if (share > 0 && subscription.canTake(share)) takers.set(subscription.consumer, subscription);
    }
    return takers;
  }

  /** Gives back deliveries their subscription could not take: it stopped, or filled up, before the commit. */
  async #unclaim(deliveries: readonly { consumer: string; seq: number }[]): Promise<void> {
    await this.#db.query(
      `update bus.pending p set deliveries = p.deliveries - 1, visible_at = now()
       from unnest($1::text[], $2::bigint[]) as d (consumer, seq)
       where p.consumer = d.consumer and p.seq = d.seq`,
      [deliveries.map((d) => d.consumer), deliveries.map((d) => d.seq)],
    );
    const consumers = new Set(deliveries.map((d) => d.consumer));
    for (const subscription of this.#subscriptions)
      if (consumers.has(subscription.consumer)) subscription.noteWaiting();
  }

  async subscribe(options: SubscriptionOptions): Promise<Subscription> {
    await this.#db.query(
      `insert into bus.consumers (name, channels) values ($1, $2)
       on conflict (name) do update set channels = excluded.channels`,
      [options.consumer, options.channels],
    );
    const subscription = new LocalSubscription(this.#db, options, this.#options.pollIntervalMs);
    this.#subscriptions.add(subscription);
    subscription.start();
    return {
      stop: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async pendingCount(consumer: string): Promise<number> {
    const [row] = await this.#db.query<{ count: number }>(
      'select count(*)::int as count from bus.pending where consumer = $1',
      [consumer],
    );
    return row?.count ?? 0;
  }

  async consumerStats(consumer: string): Promise<ConsumerStats> {
    const [row] = await this.#db.query<ConsumerStats>(
      `select count(*) filter (where deliveries = 0)::int as waiting,
              count(*) filter (where deliveries > 0)::int as "inFlight",
              count(*) filter (where deliveries > 1)::int as redelivered
       from bus.pending where consumer = $1`,
      [consumer],
    );
    return row ?? { waiting: 0, inFlight: 0, redelivered: 0 };
  }

  ping(): Promise<void> {
    return this.#db.ping();
  }

  async close(): Promise<void> {
    clearInterval(this.#cleanup);
    await Promise.all([...this.#subscriptions].map((subscription) => subscription.stop()));
    this.#subscriptions.clear();
  }

  async #forgetOldMessages(): Promise<void> {
    await this.#db.query(
      `delete from bus.messages m
       where m.stored_at < now() - $1 * interval '1 millisecond'
         and not exists (select 1 from bus.pending p where p.seq = m.seq)`,
      [this.#options.dedupWindowMs],
    );
  }
}

/** When a delivery's message is claimable again: undefined once it is acked or termed. */
interface Comeback {
  at: number | undefined;
}

interface ClaimedRow {
  seq: number;
  deliveries: number;
  envelope: Envelope;
}

class LocalSubscription {
  readonly #db: Database;
  readonly #options: SubscriptionOptions;
  readonly #pollIntervalMs: number;
  /** Woken by messages stored for its consumer, by a settled delivery, and by stop. */
  readonly #wake = new Signal();
  /** Something may be waiting to be claimed; set by publishes that happen while the loop is busy. */
  #due = true;
  /** Rings when a delivery handed out and not acked is claimable again. */
  readonly #redeliveries = new Alarm(() => {
    this.#due = true;
    this.#wake.notify();
  });
  readonly #inFlight = new Map<number, Promise<void>>();
  /**
   * Acks and terms of one tick are removed in one statement: with a batch of deliveries settled
   * together, that is one round trip instead of one per message.
   */
  readonly #removals = tickBatchOfEffects<number>(async (seqs) => {
    await this.#db.query('delete from bus.pending where consumer = $1 and seq = any ($2::bigint[])', [
      this.#options.consumer,
      seqs,
    ]);
  });
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(db: Database, options: SubscriptionOptions, pollIntervalMs: number) {
    this.#db = db;
    this.#options = options;
    this.#pollIntervalMs = pollIntervalMs;
  }

  get consumer(): string {
    return this.#options.consumer;
  }

  get channels(): readonly string[] {
    return this.#options.channels;
  }

  get ackWaitMs(): number {
    return this.#options.ackWaitMs;
  }

  /** Something was stored for its consumer: it claims at its next turn. */
  noteWaiting(): void {
    this.#due = true;
    this.#wake.notify();
  }

  /**
   * Whether `count` more deliveries may be claimed for it as their messages are stored: only when
   * nothing is waiting for it to claim, so a message handed over never overtakes one waiting.
   */
  canTake(count: number): boolean {
    return !this.#stopped && !this.#due && this.#inFlight.size + count <= this.#options.maxInFlight;
  }

  /**
   * Handles a delivery claimed for it when its message was stored. False once it has stopped, or when
   * other work filled its room between the store and the commit.
   */
  take(row: ClaimedRow): boolean {
    if (this.#stopped || this.#inFlight.size >= this.#options.maxInFlight) return false;
    this.#dispatch(row);
    return true;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake.notify();
    await this.#loop;
    await Promise.allSettled(this.#inFlight.values());
    this.#redeliveries.stop();
  }

  async #run(): Promise<void> {
    const smallestClaim = Math.ceil(this.#options.maxInFlight / REFILL_SHARE);
    while (!this.#stopped) {
      const capacity = this.#options.maxInFlight - this.#inFlight.size;
      const roomForBatch = capacity >= smallestClaim || this.#inFlight.size === 0;
      if (!this.#due || !roomForBatch) {
        // A settled delivery wakes the loop to look at its room again, not to claim: only a
        // publish, a redelivery coming due or the poll says something may be waiting.
        if (!(await this.#wake.wait(this.#pollIntervalMs))) this.#due = true;
        continue;
      }
      this.#due = false;
      let claimed: ClaimedRow[];
      try {
        claimed = await this.#claim(capacity);
      } catch {
        // The database is unavailable for a moment: try again after a pause.
        await this.#wake.wait(CLAIM_FAILURE_PAUSE_MS);
        this.#due = true;
        continue;
      }
      for (const row of claimed) this.#dispatch(row);
      if (claimed.length === capacity) this.#due = true;
    }
  }

  async #claim(limit: number): Promise<ClaimedRow[]> {
    return this.#db.query<ClaimedRow>(
      `with due as (
         select seq from bus.pending
         where consumer = $1 and visible_at <= now() and seq <> all ($3::bigint[])
         order by seq limit $2
         for update skip locked
       ), claimed as (
         update bus.pending p
         set deliveries = p.deliveries + 1, visible_at = now() + $4 * interval '1 millisecond'
         from due where p.consumer = $1 and p.seq = due.seq
         returning p.seq, p.deliveries
       )
       select c.seq, c.deliveries, m.envelope from claimed c join bus.messages m on m.seq = c.seq order by c.seq`,
      [this.#options.consumer, limit, [...this.#inFlight.keys()], this.#options.ackWaitMs],
    );
  }

  #dispatch(row: ClaimedRow): void {
    // Unless it is acked or termed, the message is claimable again when its ack-wait runs out.
    const comeback: Comeback = { at: Date.now() + this.#options.ackWaitMs + CLOCK_MARGIN_MS };
    const delivery = this.#deliveryOf(row, comeback);
    const handled = this.#options
      .handle(delivery)
      .catch(() => delivery.nak(1000))
      .catch(() => undefined)
      .finally(() => {
        this.#inFlight.delete(row.seq);
        if (comeback.at !== undefined) this.#redeliveries.set(comeback.at);
        this.#wake.notify();
      });
    this.#inFlight.set(row.seq, handled);
  }

  #deliveryOf(row: ClaimedRow, comeback: Comeback): Delivery {
    const consumer = this.#options.consumer;
    let settled = false;
    const settleOnce = async (settle: () => Promise<unknown>) => {
      if (settled) return;
      settled = true;
      await settle();
    };
    const remove = async () => {
      await this.#removals.add(row.seq);
      comeback.at = undefined;
    };
    return {
      envelope: row.envelope,
      get body() {
        return Buffer.from(JSON.stringify(row.envelope));
      },
      deliveryCount: row.deliveries,
      ack: () => settleOnce(remove),
      term: () => settleOnce(remove),
      nak: (delayMs) =>
        settleOnce(async () => {
          await this.#db.query(
            `update bus.pending set visible_at = now() + $3 * interval '1 millisecond' where consumer = $1 and seq = $2`,
            [consumer, row.seq, delayMs],
          );
          comeback.at = Date.now() + delayMs + CLOCK_MARGIN_MS;
        }),
    };
  }
}
