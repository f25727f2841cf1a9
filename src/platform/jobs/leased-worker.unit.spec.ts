import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, it } from 'node:test';
import { until } from '../../../test/support/until.js';
import { Bell } from '../kernel/bell.js';
import { createLogger } from '../kernel/logger.js';
import { LeasedWorker } from './leased-worker.js';

/** A worker over an in-memory queue that records what it asks of its job table. */
class QueueWorker extends LeasedWorker<string> {
  readonly claimed: number[] = [];
  readonly worked: string[] = [];
  nextDueAsked = 0;
  readonly #queue: string[] = [];
  readonly #limit: number;
  readonly #bell: Bell;
  readonly #whileWorking: (job: string) => void;

  constructor(limit: number, whileWorking: (job: string) => void = () => undefined) {
    const bell = new Bell();
    super({ name: 'queue', logger: createLogger({ level: 'silent' }), bell, pollMs: 60_000 });
    this.#bell = bell;
    this.#limit = limit;
    this.#whileWorking = whileWorking;
  }

  add(...jobs: string[]): void {
    this.#queue.push(...jobs);
    this.#bell.ring();
  }

  backlog(): Promise<number> {
    return Promise.resolve(this.#queue.length);
  }

  protected claim(): Promise<string[]> {
    const jobs = this.#queue.splice(0, this.#limit);
    this.claimed.push(jobs.length);
    return Promise.resolve(jobs);
  }

  protected claimWasFull(jobs: readonly string[]): boolean {
    return jobs.length >= this.#limit;
  }

  protected work(job: string): Promise<void> {
    this.worked.push(job);
    this.#whileWorking(job);
    return Promise.resolve();
  }

  protected untilNextDue(): Promise<undefined> {
    this.nextDueAsked += 1;
    return Promise.resolve(undefined);
  }
}

describe('a leased worker', () => {
  let worker: QueueWorker | undefined;

  afterEach(async () => {
    await worker?.stop();
  });

  /** Starts the worker and waits until it has gone idle `times` times, plus a moment for anything more it would do. */
  const runUntilIdle = async (started: QueueWorker, times = 1) => {
    worker = started;
    started.start();
    await until('the worker going idle', () => started.nextDueAsked >= times);
    await sleep(50);
  };

  it('claims again at once after a full claim, and goes idle after one that took every due job', async () => {
    const queue = new QueueWorker(2);
    await runUntilIdle(queue);
    queue.add('a', 'b', 'c', 'd', 'e');
    await until('idle again', () => queue.nextDueAsked === 2);
    await sleep(50);
    assert.deepEqual(queue.worked, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(
      queue.claimed,
      [0, 2, 2, 1],
      'a claim that took every due job was followed by an empty one',
    );
    assert.equal(queue.nextDueAsked, 2);
  });

  it('claims again at once, without asking when the next job is due, when the bell rang while it worked', async () => {
    const queue: QueueWorker = new QueueWorker(10, (job) => {
      if (job === 'first') queue.add('second');
    });
    await runUntilIdle(queue);
    queue.add('first');
    await until('idle again', () => queue.nextDueAsked === 2);
    await sleep(50);
    assert.deepEqual(queue.worked, ['first', 'second']);
    assert.deepEqual(queue.claimed, [0, 1, 1]);
    assert.equal(queue.nextDueAsked, 2, 'it asked when the next job is due although one had rung');
  });

  it('wakes from idle when a job is added', async () => {
    const queue = new QueueWorker(10);
    await runUntilIdle(queue);
    queue.add('late');
    await until('idle again', () => queue.nextDueAsked === 2);
    await sleep(50);
    assert.deepEqual(queue.worked, ['late']);
    assert.deepEqual(queue.claimed, [0, 1]);
  });
});
