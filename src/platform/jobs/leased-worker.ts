import type { Bell } from '../kernel/bell.js';
import { backoffMs } from '../kernel/backoff.js';
import type { Logger } from '../kernel/logger.js';
import { Signal } from '../kernel/signal.js';
import type { Worker } from '../service.js';

export interface LeasedWorkerOptions {
  readonly name: string;
  readonly logger: Logger;
  /** Rung when there is new work. */
  readonly bell: Bell;
  /** Longest idle wait between two looks for due work (work also comes due without a ring). */
  readonly pollMs: number;
  /** The longest pause after failures in a row; the first is 100 ms, each next one twice as long. */
  readonly maxFailurePauseMs?: number;
}

/**
 * A background loop over work that replicas share: it claims a batch of due jobs (under a lease, or
 * row locks, that keep other replicas off them), works them all, and claims again; with nothing due
 * it waits for the bell, for the earliest retry it scheduled, or for `pollMs`. A failed round is
 * logged and tried again after a pause that grows with the failures in a row.
 */
export abstract class LeasedWorker<Job> implements Worker {
  readonly name: string;
  protected readonly logger: Logger;
  readonly #bell: Bell;
  readonly #pollMs: number;
  readonly #maxFailurePauseMs: number;
  readonly #stopping = new Signal();
  #running = false;
  #loop: Promise<void> = Promise.resolve();
  /** When the earliest retry this worker scheduled comes due (ms since epoch). */
  #nextRetryAt = Number.POSITIVE_INFINITY;

  constructor(options: LeasedWorkerOptions) {
    this.name = options.name;
    this.logger = options.logger;
    this.#bell = options.bell;
    this.#pollMs = options.pollMs;
    this.#maxFailurePauseMs = options.maxFailurePauseMs ?? options.pollMs;
  }

  /** Claims the jobs that are due now; none when there are none. */
  protected abstract claim(): Promise<readonly Job[]>;

  /** Works one claimed job; the jobs of one claim are worked concurrently. */
  protected abstract work(job: Job): Promise<void>;

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

  /** A job was put off by `delayMs`: the worker looks again when it comes due, if not sooner. */
  protected retryIn(delayMs: number): void {
    this.#nextRetryAt = Math.min(this.#nextRetryAt, Date.now() + delayMs);
  }

  /** Waits with nothing due: for the bell, the earliest retry or `pollMs`. True when the bell rang. */
  protected idle(): Promise<boolean> {
    return this.#bell.wait(this.#idleWaitMs());
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
        if (jobs.length === 0) await this.idle();
      } catch (error) {
        failures += 1;
        this.logger.warn({ err: error, worker: this.name, failures }, `${this.name} failed, will try again`);
        await this.#bell.wait(backoffMs(failures, { baseMs: 100, maxMs: this.#maxFailurePauseMs }));
      }
    }
  }

  #idleWaitMs(): number {
    const untilRetry = this.#nextRetryAt - Date.now();
    if (untilRetry <= 0) {
      this.#nextRetryAt = Number.POSITIVE_INFINITY;
      return 0;
    }
    return Math.min(this.#pollMs, untilRetry);
  }
}
