import { context, type Context } from '@opentelemetry/api';
import type { Database } from '../db/database.js';
import type { Outbox } from './outbox.js';
import { currentTraceparent } from '../observability/message-spans.js';
import type { MessageOrigin, UnitOfWork } from './unit-of-work.js';

/** What a job of a claim came to, in the unit of work it is recorded in. */
export interface Recorded<End> {
  readonly uow: UnitOfWork;
  readonly end: End;
}

/**
 * Writes what the jobs of a group came to in the caller's transaction, each with its own unit of
 * work: a statement per table for the lot.
 */
export type RecordEnds<End> = (recorded: readonly Recorded<End>[]) => Promise<void>;

/** One job's share of a group commit; `leave` tells the group not to wait for it any longer. */
export interface GroupMember<End> {
  /** Records what the job came to with the group; a member's later record commits alone. */
  record(origin: MessageOrigin, end: End): Promise<void>;
  leave(): void;
}

/** An entry of a group commit or a commit queue, settled once its transaction commits or fails. */
interface Pending<Result> {
  readonly origin: MessageOrigin;
  /** The context the job recorded from, so its messages stay in its own trace. */
  readonly context: Context;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingEnd<End> extends Pending<undefined> {
  readonly end: End;
}

/** How long the first record of a group waits for the jobs still at work. */
const DEFAULT_MAX_WAIT_MS = 50;

/**
 * Records what one claim's jobs came to in one transaction: one commit, one statement per table
 * (`record` writes them all at once) and one write of the messages they emit, for the lot. Each job
 * records through its member. The transaction runs once every member has recorded or left, or
 * `maxWaitMs` after the first record, whichever comes first, so a job still waiting for its provider
 * does not hold the others back for long; later records form the next group. If the transaction
 * fails, each end is recorded again in a transaction of its own, so a failure concerns only its own
 * job. The jobs of a claim are leased to this worker alone; rows that other transactions lock several
 * at a time (a payment, which handlers lock in batches) `record` locks in key order, as they do.
 */
export class GroupCommit<End> {
  readonly #outbox: Outbox;
  readonly #record: RecordEnds<End>;
  readonly #maxWaitMs: number;
  #awaited: number;
  #entries: PendingEnd<End>[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(outbox: Outbox, members: number, record: RecordEnds<End>, maxWaitMs = DEFAULT_MAX_WAIT_MS) {
    this.#outbox = outbox;
    this.#awaited = members;
    this.#record = record;
    this.#maxWaitMs = maxWaitMs;
  }

  /** A member for one job: its first record joins the group, any later one commits alone. */
  member(): GroupMember<End> {
    let done = false;
    return {
      record: (origin, end) => {
        if (done) return this.#commitAlone(origin, end);
        done = true;
        return new Promise((resolve, reject) => {
          this.#entries.push({ origin, end, context: context.active(), resolve, reject });
          this.#timer ??= setTimeout(() => void this.#flush(), this.#maxWaitMs);
          this.#arrived();
        });
      },
      leave: () => {
        if (done) return;
        done = true;
        this.#arrived();
      },
    };
  }

  #commitAlone(origin: MessageOrigin, end: End): Promise<void> {
    return this.#outbox.run(origin, (uow) => this.#record([{ uow, end }]));
  }

  #arrived(): void {
    this.#awaited -= 1;
    if (this.#awaited === 0) void this.#flush();
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await togetherOrAlone<undefined, PendingEnd<End>>(this.#entries.splice(0), (entries) =>
      this.#outbox.runEach(
        entries.map((entry) => entry.origin),
        async (uows) => {
          const own = inOwnContexts(entries, uows);
          await this.#record(
            entries.map((entry, index) => ({ uow: own[index] as UnitOfWork, end: entry.end })),
          );
          return entries.map(() => undefined);
        },
      ),
    );
  }
}

/**
 * The units of work of entries run together in the first one's context, each made to act in its own
 * entry's: what it emits is sent from its own span, and what it queues for later continues from it.
 */
function inOwnContexts(
  entries: readonly Pick<Pending<unknown>, 'context'>[],
  uows: readonly UnitOfWork[],
): UnitOfWork[] {
  return entries.map((entry, index) => {
    const uow = uows[index] as UnitOfWork;
    const traceparent = context.with(entry.context, () => currentTraceparent(uow.origin.traceparent));
    return {
      ...uow,
      origin: { ...uow.origin, ...(traceparent === undefined ? {} : { traceparent }) },
      emit: (contract, payload, options) =>
        context.with(entry.context, () => uow.emit(contract, payload, options)),
    };
  });
}

/** Units of work in one transaction at most; past it, the next ones form the next transaction. */
const MAX_QUEUED_GROUP = 64;

/** An input of a queued group, with the unit of work it runs in. */
export interface Queued<Input> {
  readonly uow: UnitOfWork;
  readonly input: Input;
}

/**
 * Runs a group's inputs in the caller's transaction, a statement per table for the lot, and answers
 * each input's result, in order.
 */
export type RunQueued<Input, Result> = (queued: readonly Queued<Input>[]) => Promise<readonly Result[]>;

/**
 * Runs inputs that arrive while every lane is taken together, in the next transaction and one call of
 * `run`: each waits only as long as it would have waited for a connection, and a burst shares one
 * commit, one statement per table and one write of its messages. PGlite has one connection, so it has
 * one lane; on a pool every input has a lane of its own and runs at once, alone. If a group's
 * transaction fails, each of its inputs runs again on its own, so a failure concerns only its own.
 */
export class CommitQueue<Input, Result> {
  readonly #outbox: Outbox;
  readonly #run: RunQueued<Input, Result>;
  readonly #lanes: number;
  #busy = 0;
  readonly #waiting: PendingInput<Input, Result>[] = [];

  constructor(outbox: Outbox, db: Pick<Database, 'dialect'>, run: RunQueued<Input, Result>) {
    this.#outbox = outbox;
    this.#run = run;
    this.#lanes = db.dialect === 'pglite' ? 1 : Number.POSITIVE_INFINITY;
  }

  run(origin: MessageOrigin, input: Input): Promise<Result> {
    return new Promise((resolve, reject) => {
      const entry: PendingInput<Input, Result> = {
        origin,
        input,
        context: context.active(),
        resolve,
        reject,
      };
      if (this.#busy < this.#lanes) void this.#drive([entry]);
      else this.#waiting.push(entry);
    });
  }

  async #drive(entries: PendingInput<Input, Result>[]): Promise<void> {
    this.#busy += 1;
    try {
      await togetherOrAlone<Result, PendingInput<Input, Result>>(entries, (group) =>
        this.#outbox.runEach(
          group.map((entry) => entry.origin),
          (uows) => {
            const own = inOwnContexts(group, uows);
            return this.#run(
              group.map((entry, index) => ({ uow: own[index] as UnitOfWork, input: entry.input })),
            );
          },
        ),
      );
    } finally {
      this.#busy -= 1;
    }
    const next = this.#waiting.splice(0, MAX_QUEUED_GROUP);
    if (next.length > 0) void this.#drive(next);
  }
}

interface PendingInput<Input, Result> extends Pending<Result> {
  readonly input: Input;
}

/**
 * Commits the entries in one transaction and settles each with its own result. If the transaction
 * fails, each entry is committed again on its own, so a failure concerns only its own.
 */
async function togetherOrAlone<Result, Entry extends Pending<Result>>(
  entries: readonly Entry[],
  commit: (entries: readonly Entry[]) => Promise<readonly Result[]>,
): Promise<void> {
  const [first] = entries;
  if (first && entries.length > 1) {
    try {
      // As a batch handler runs in the span of its first message.
      const results = await context.with(first.context, () => commit(entries));
      entries.forEach((entry, index) => {
        entry.resolve(results[index] as Result);
      });
      return;
    } catch {
      // Rolled back: each entry is tried on its own below.
    }
  }
  await Promise.all(
    entries.map((entry) =>
      context
        .with(entry.context, () => commit([entry]))
        .then(([result]) => {
          entry.resolve(result as Result);
        }, entry.reject),
    ),
  );
}
