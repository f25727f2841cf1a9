import { context, type Context } from '@opentelemetry/api';
import type { Database } from '../db/database.js';
import type { Outbox } from './outbox.js';
import type { MessageOrigin, UnitOfWork } from './unit-of-work.js';

/**
 * Where a unit of work is committed: `Outbox.run` alone, a job's share of its claim's group commit,
 * or a `CommitQueue` that gathers what arrives while the connection is busy.
 */
export interface OutcomeRecorder {
  run<T>(origin: MessageOrigin, work: (uow: UnitOfWork) => Promise<T>): Promise<T>;
}

/** One job's recorder in a group commit; `leave` tells the group not to wait for it any longer. */
export interface GroupMember extends OutcomeRecorder {
  leave(): void;
}

interface Entry {
  readonly origin: MessageOrigin;
  readonly work: (uow: UnitOfWork) => Promise<unknown>;
  /** The context the job recorded from, so its statements and messages stay in its own trace. */
  readonly context: Context;
  /** The key of the rows it locks that others lock in batches; records run in this order. */
  readonly lockKey?: string | undefined;
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** How long the first record of a group waits for the jobs still at work. */
const DEFAULT_MAX_WAIT_MS = 50;

/**
 * Records the outcomes of one claim's jobs in one transaction: one commit, and one write of the
 * messages they emit, for the lot. Each job records through its member. The transaction runs once
 * every member has recorded or left, or `maxWaitMs` after the first record, whichever comes first,
 * so a job still waiting for its provider does not hold the others back for long; later records form
 * the next group. If the transaction fails, each record runs again in a transaction of its own, so a
 * failure concerns only its own job.
 *
 * The jobs of a claim are leased to this worker alone and touch disjoint rows. A record that also
 * locks rows other transactions lock several at a time (a payment, which handlers lock in batches in
 * key order) names their key: the group runs its records in key order too, so their locks cannot
 * cross.
 */
export class GroupCommit {
  readonly #outbox: Outbox;
  readonly #maxWaitMs: number;
  #awaited: number;
  #entries: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(outbox: Outbox, members: number, maxWaitMs = DEFAULT_MAX_WAIT_MS) {
    this.#outbox = outbox;
    this.#awaited = members;
    this.#maxWaitMs = maxWaitMs;
  }

  /**
   * A recorder for one job: its first record joins the group, any later one commits alone.
   * `lockKey` is the key of the rows its record locks that others lock in batches.
   */
  member(lockKey?: string): GroupMember {
    let done = false;
    return {
      run: <T>(origin: MessageOrigin, work: (uow: UnitOfWork) => Promise<T>): Promise<T> => {
        if (done) return this.#outbox.run(origin, work);
        done = true;
        return this.#join({ origin, work, lockKey }) as Promise<T>;
      },
      leave: () => {
        if (done) return;
        done = true;
        this.#arrived();
      },
    };
  }

  #join(record: Pick<Entry, 'origin' | 'work' | 'lockKey'>): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#entries.push({ ...record, context: context.active(), resolve, reject });
      this.#timer ??= setTimeout(() => void this.#flush(), this.#maxWaitMs);
      this.#arrived();
    });
  }

  #arrived(): void {
    this.#awaited -= 1;
    if (this.#awaited === 0) void this.#flush();
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const entries = this.#entries.splice(0);
    const keyOf = (entry: Entry) => entry.lockKey ?? '';
    await runTogether(
      this.#outbox,
      entries.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)),
    );
  }
}

/** Units of work in one transaction at most; past it, the next ones form the next transaction. */
const MAX_QUEUED_GROUP = 64;

/**
 * Runs units of work that arrive while every lane is taken together, in the next transaction: each
 * waits only as long as it would have waited for a connection, and a burst shares one commit and one
 * write of its messages. PGlite has one connection, so it has one lane; on a pool every unit of work
 * has a lane of its own and runs at once, as `Outbox.run` would.
 */
export class CommitQueue implements OutcomeRecorder {
  readonly #outbox: Outbox;
  readonly #lanes: number;
  #busy = 0;
  readonly #waiting: Entry[] = [];

  constructor(outbox: Outbox, db: Pick<Database, 'dialect'>) {
    this.#outbox = outbox;
    this.#lanes = db.dialect === 'pglite' ? 1 : Number.POSITIVE_INFINITY;
  }

  run<T>(origin: MessageOrigin, work: (uow: UnitOfWork) => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const entry: Entry = {
        origin,
        work,
        context: context.active(),
        resolve: resolve as (result: unknown) => void,
        reject,
      };
      if (this.#busy < this.#lanes) void this.#drive([entry]);
      else this.#waiting.push(entry);
    });
  }

  async #drive(entries: Entry[]): Promise<void> {
    this.#busy += 1;
    try {
      await runTogether(this.#outbox, entries);
    } finally {
      this.#busy -= 1;
    }
    const next = this.#waiting.splice(0, MAX_QUEUED_GROUP);
    if (next.length > 0) void this.#drive(next);
  }
}

/**
 * Runs the entries in one transaction and settles each with its own result. If the transaction
 * fails, each entry runs again in a transaction of its own, so a failure concerns only its own.
 */
async function runTogether(outbox: Outbox, entries: readonly Entry[]): Promise<void> {
  if (entries.length === 0) return;
  if (entries.length > 1) {
    try {
      const results = await outbox.runEach(
        entries.map((entry) => entry.origin),
        async (uows) => {
          const results: unknown[] = [];
          for (const [index, entry] of entries.entries())
            results.push(await context.with(entry.context, () => entry.work(uows[index] as UnitOfWork)));
          return results;
        },
      );
      entries.forEach((entry, index) => {
        entry.resolve(results[index]);
      });
      return;
    } catch {
      // Rolled back: each entry is tried on its own below.
    }
  }
  await Promise.all(
    entries.map((entry) =>
      context
        .with(entry.context, () => outbox.run(entry.origin, entry.work))
        .then(entry.resolve, entry.reject),
    ),
  );
}
