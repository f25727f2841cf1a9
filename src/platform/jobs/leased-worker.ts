import { unannouncedLookMs, type Database } from '../db/database.js';
import type { Bell } from '../kernel/bell.js';
import { backoffMs } from '../kernel/backoff.js';
import type { Logger } from '../kernel/logger.js';
import { Signal } from '../kernel/signal.js';
import type { Worker } from '../service.js';

const MIN_IDLE_WAIT_MS = 10;

export interface LeasedWorkerOptions {
  readonly name: string;
  readonly logger: Logger;
  /** Rung when there is new work. */
  readonly bell: Bell;
  /**
   * Longest idle wait between two looks for due work on a database other replicas share: jobs they
   * write ring no bell here, and a ring may come before the commit it announces (a claim on another
   * connection then misses the row).
   */
  readonly pollMs: number;
  /**
   * The database of the jobs, when they are rung for. On PGlite this process is its only writer and
   * rings for all it writes, so looking without a ring is a mere backstop (every minute).
   */
  readonly jobsIn?: Pick<Database, 'dialect'>;
  /**
   * The longest pause after failures in a row (`pollMs` unless given); the first is 100 ms, each next
   * one twice as long.
   */
  readonly maxFailurePauseMs?: number;
}

/** What the owner of a job worker may tune; each worker brings its own defaults. */
export interface LeasedJobOptions {
  /** Longest idle wait between two looks for due jobs on a database other replicas share. */
  readonly pollMs?: number;
  readonly batchSize?: number;
  /** How long a claim keeps other workers off a job; longer than any job takes. */
  readonly leaseMs?: number;
  /** The longest wait before a failed job is tried again. */
  readonly maxRetryDelayMs?: number;
}

/** What the owner of a worker over a job table gives it. */
export interface JobWorkerOptions extends LeasedJobOptions {
  readonly db: Database;
  readonly logger: Logger;
  /** Rung when a job is added. */
  readonly bell: Bell;
}

/** The loop of a worker over the job table in `options.db`. */
export function jobTableLoop(
  name: string,
  options: JobWorkerOptions & { readonly pollMs: number },
): LeasedWorkerOptions {
  return { name, logger: options.logger, bell: options.bell, pollMs: options.pollMs, jobsIn: options.db };
}

/**
 * A background loop over work that replicas share: it claims a batch of due jobs (under a lease, or
 * row locks, that keep other replicas off them), works them all, and claims again at once if the
 * claim was full. Otherwise nothing more was due when it claimed: it claims again at once only if
 * the bell rang meanwhile, else it asks when the next job comes due and waits for that, for the bell
 * or for `pollMs`, whichever comes first, so that an idle worker costs nothing between its jobs. A
 * failed round is logged and tried again after a pause that grows with the failures in a row.
 */
export abstract class LeasedWorker<Job> implements Worker {
  readonly name: string;
  protected readonly logger: Logger;
  readonly #bell: Bell;
  readonly #pollMs: number;
  readonly #jobsIn: Pick<Database, 'dialect'> | undefined;
  readonly #maxFailurePauseMs: number;
  readonly #stopping = new Signal();
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(options: LeasedWorkerOptions) {
    this.name = options.name;
    this.logger = options.logger;
    this.#bell = options.bell;
    this.#pollMs = options.pollMs;
    this.#jobsIn = options.jobsIn;
    this.#maxFailurePauseMs = options.maxFailurePauseMs ?? options.pollMs;
  }

  /** Claims the jobs that are due now; none when there are none. */
  protected abstract claim(): Promise<readonly Job[]>;

  /**
   * True when the claim took as many jobs as one claim may, so that more may be due now; false when
   * it took every job that was due, and only a ring or the clock can bring more.
   */
  protected abstract claimWasFull(jobs: readonly Job[]): boolean;

  /** Works one claimed job; the jobs of one claim are worked concurrently. */
  protected abstract work(job: Job): Promise<void>;

  /**
   * Milliseconds until the earliest job that is not due yet comes due, as the job table knows it
   * (whoever scheduled it); undefined when nothing waits. Asked when a claim took every job that
   * was due and the bell did not ring while they were worked.
   */
  protected abstract untilNextDue(): Promise<number | undefined>;

  abstract backlog(): Promise<number>;

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Stops claiming and lets the jobs in flight finish and record their outcome. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopping.notify();
    this.#bell.ring();
    await this.#loop;
  }

  protected get running(): boolean {
    return this.#running;
  }

  /**
   * Waits with nothing due: for the bell, the next job's due time or `pollMs`. True when the bell
   * rang, at once when it rang while the last claim was worked.
   */
  protected async idle(): Promise<boolean> {
    if (this.#bell.take()) return true;
    const untilDue = await this.untilNextDue();
    // A job due already that the claim skipped (locked by another replica's claim) is looked at again
    // shortly, not in a loop.
    const pollMs = this.#jobsIn ? unannouncedLookMs(this.#jobsIn, this.#pollMs) : this.#pollMs;
    const waitMs = untilDue === undefined ? pollMs : Math.max(untilDue, MIN_IDLE_WAIT_MS);
    return this.#bell.wait(Math.min(pollMs, waitMs));
  }

  /** Waits `ms`, unless the worker is stopped first. */
  protected async pause(ms: number): Promise<void> {
    if (this.#running) await this.#stopping.wait(ms);
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      try {
        const jobs = await this.claim();
        const failed = (await Promise.allSettled(jobs.map((job) => this.work(job)))).find(
          (outcome) => outcome.status === 'rejected',
        );
        if (failed) throw failed.reason;
        failures = 0;
        if (!this.claimWasFull(jobs)) await this.idle();
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, worker: this.name, failures }, `${this.name} failed, will try again`);
        await this.#bell.wait(backoffMs(failures, { baseMs: 100, maxMs: this.#maxFailurePauseMs }));
      }
    }
  }
}
