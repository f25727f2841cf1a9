import { hasUnstorableText, printable, type Envelope } from '../../../contracts/index.js';
import type { Database } from '../db/database.js';
import { decodeEnvelope } from './envelope-bytes.js';

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

  /**
   * Never refuses a message: its bytes are kept as they arrived (`body`, by default the envelope's
   * JSON), the text columns get a printable copy, and the envelope as jsonb only when jsonb can
   * hold it.
   */
  async record(
    consumer: string,
    envelope: Envelope,
    reason: string,
    deliveries: number,
    body: Uint8Array = Buffer.from(JSON.stringify(envelope)),
  ): Promise<void> {
    await this.#db.query(
      `insert into ${this.#schema}.dead_letters (consumer, message_id, type, envelope, message, reason, deliveries)
       values ($1, $2, $3, $4::jsonb, $5, $6, $7)`,
      [
        consumer,
        printable(envelope.id),
        printable(envelope.type),
        hasUnstorableText(envelope) ? null : JSON.stringify(envelope),
        body,
        printable(reason),
        deliveries,
      ],
    );
  }

  async list(options: { includeReplayed?: boolean; limit?: number } = {}): Promise<DeadLetter[]> {
    const rows = await this.#db.query<DeadLetterRow>(
      `select id, consumer, message_id as "messageId", type, message, reason, deliveries,
              dead_lettered_at as "deadLetteredAt", replayed_at as "replayedAt"
       from ${this.#schema}.dead_letters
       where $1 or replayed_at is null
       order by id limit $2`,
      [options.includeReplayed ?? false, options.limit ?? 100],
    );
    return rows.map(deadLetterOf);
  }

  async get(id: number): Promise<DeadLetter | undefined> {
    const [row] = await this.#db.query<DeadLetterRow>(
      `select id, consumer, message_id as "messageId", type, message, reason, deliveries,
              dead_lettered_at as "deadLetteredAt", replayed_at as "replayedAt"
       from ${this.#schema}.dead_letters where id = $1`,
      [id],
    );
    return row && deadLetterOf(row);
  }

  async markReplayed(id: number): Promise<void> {
    await this.#db.query(`update ${this.#schema}.dead_letters set replayed_at = now() where id = $1`, [id]);
  }
}

type DeadLetterRow = Omit<DeadLetter, 'envelope'> & { message: Uint8Array };

/** The envelope read back from the bytes kept, so that a replay sees exactly what arrived. */
function deadLetterOf({ message, ...row }: DeadLetterRow): DeadLetter {
  return { ...row, envelope: decodeEnvelope(Buffer.from(message).toString(), row.messageId) };
}
