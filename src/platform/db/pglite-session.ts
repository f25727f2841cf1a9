import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import { inStatementSpan } from '../observability/database-spans.js';

type BackendMessage = Awaited<ReturnType<PGlite['execProtocol']>>['messages'][number];

const { serialize } = protocol;

/** The tag of a statement that changed rows: `INSERT 0 3`, `UPDATE 2`, `DELETE 1`… */
const ROWS_CHANGED = /^(?:INSERT \d+|UPDATE|DELETE|MERGE|COPY) [1-9]/;

/** Statements kept prepared at most; past that, a new statement is parsed again on each call. */
const PREPARED_LIMIT = 500;

interface PreparedStatement {
  /** Empty for PostgreSQL's unnamed statement, which the next unnamed parse replaces. */
  readonly name: string;
  readonly parameterTypes: readonly number[];
}

/**
 * PGlite's one connection, spoken to in the wire protocol. Each statement is prepared once and then
 * runs in a single exchange with the engine: PGlite's own `query` parses and plans it on every call
 * and crosses into the engine six times, which was most of the embedded runtime's cost per message.
 * The caller holds the connection (`PGlite.runExclusive`) for the duration of each call.
 */
export class PgliteSession {
  readonly #pglite: PGlite;
  readonly #onRowsChanged: () => void;
  readonly #prepared = new Map<string, PreparedStatement>();
  #named = 0;

  /** `onRowsChanged` is called after each statement that inserted, updated or deleted a row. */
  constructor(pglite: PGlite, onRowsChanged: () => void) {
    this.#pglite = pglite;
    this.#onRowsChanged = onRowsChanged;
  }

  query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    return inStatementSpan(text, () => this.#query<Row>(text, params));
  }

  async #query<Row>(text: string, params: readonly unknown[]): Promise<Row[]> {
    const statement = this.#prepared.get(text) ?? (await this.#prepare(text));
    const values = params.map((value, index) => this.#serialize(value, statement.parameterTypes[index]));
    const { messages } = await this.#exchange(
      concat([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    const [result] = parse.parseResults(messages, this.#pglite.parsers);
    if (result?.affectedRows) this.#onRowsChanged();
    return (result?.rows ?? []) as Row[];
  }

  /**
   * Runs parameterless SQL, possibly several statements. Schema changes can alter what a prepared
   * statement returns, so the prepared ones are dropped first. Returns each statement's command tag.
   */
  async exec(sql: string): Promise<string[]> {
    if (this.#prepared.size > 0) {
      this.#prepared.clear();
      await this.#simple('deallocate all');
    }
    return this.#simple(sql);
  }

  /** Runs a statement that changes no table's shape, such as VACUUM, keeping the prepared statements. */
  async maintain(sql: string): Promise<void> {
    await this.#simple(sql);
  }

  /** Ends the current transaction: throws when PostgreSQL rolled it back (an error inside was swallowed). */
  async commit(): Promise<void> {
    const [tag] = await this.#simple('commit');
    if (tag === 'ROLLBACK') throw new Error('The transaction was rolled back by an earlier error inside it');
  }

  async begin(): Promise<void> {
    await this.#simple('begin');
  }

  async rollback(): Promise<void> {
    await this.#simple('rollback');
  }

  async #simple(sql: string): Promise<string[]> {
    const { messages } = await inStatementSpan(sql, () => this.#exchange(serialize.query(sql)));
    const tags = messages.flatMap((message: BackendMessage) =>
      message.name === 'commandComplete' && 'text' in message ? [String(message.text)] : [],
    );
    if (tags.some((tag) => ROWS_CHANGED.test(tag))) this.#onRowsChanged();
    return tags;
  }

  async #prepare(text: string): Promise<PreparedStatement> {
    const name = this.#prepared.size < PREPARED_LIMIT ? `s${++this.#named}` : '';
    const { messages } = await this.#exchange(
      concat([serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()]),
    );
    const statement = { name, parameterTypes: parse.parseDescribeStatementResults(messages) };
    if (name) this.#prepared.set(text, statement);
    return statement;
  }

  /**
   * One exchange with the engine. PGlite would then sync its file system, which costs a lock and a
   * few promises, about 40% of a short statement's time; neither file system it has in Node has
   * anything to sync: NodeFS writes straight to the data directory's files, and memory has none.
   */
  #exchange(message: Uint8Array): ReturnType<PGlite['execProtocol']> {
    return this.#pglite.execProtocol(message, { syncToFs: false });
  }

  /** As PGlite's `query` does: by the parameter's type, as PostgreSQL inferred it. */
  #serialize(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.#pglite.serializers[type];
    if (serializer) return serializer(value);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
      return String(value);
    return JSON.stringify(value);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}
