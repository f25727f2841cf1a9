import type { Envelope } from '../../../contracts/index.js';
import type { Database } from '../db/database.js';

export interface DeadLetter {
  id: number;
  consumer: string;
  messageId: string;
  type: string;
  envelope: Envelope;
  reason: string;
  deliveries: number;
  deadLetteredAt: Date;
  replayedAt: Date | null;
}

/** Messages a consumer gave up on, with the reason; kept until replayed or purged by an operator. */
export class DeadLetterStore {
  readonly #db: Database;
  readonly #schema: string;

  constructor(db: Database, schema: string) {
    this.#db = db;
    this.#schema = schema;
  }

  async record(consumer: string, envelope: Envelope, reason: string, deliveries: number): Promise<void> {
    await this.#db.query(
      `insert into ${this.#schema}.dead_letters (consumer, message_id, type, envelope, reason, deliveries)
       values ($1, $2, $3, $4::jsonb, $5, $6)`,
      [consumer, envelope.id, envelope.type, JSON.stringify(envelope), reason, deliveries],
    );
  }

  async list(options: { includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    return this.#db.query<DeadLetter>(
      `select id, consumer, message_id as "messageId", type, envelope, reason, deliveries,
              dead_lettered_at as "deadLetteredAt", replayed_at as "replayedAt"
       from ${this.#schema}.dead_letters
       where $1 or replayed_at is null
       order by id limit $2`,
      [options.includeReplayed ?? false, options.limit ?? 100],
    );
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    const [row] = await this.#db.query<DeadLetter>(
      `select id, consumer, message_id as "messageId", type, envelope, reason, deliveries,
              dead_lettered_at as "deadLetteredAt", replayed_at as "replayedAt"
       from ${this.#schema}.dead_letters where id = $1`,
      [id],
    );
    return row;
  }

  async markReplayed(id: number): Promise<void> {
    await this.#db.query(`update ${this.#schema}.dead_letters set replayed_at = now() where id = $1`, [id]);
  }
}
