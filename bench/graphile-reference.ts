import { Logger, makeWorkerUtils, runOnce, type RunnerOptions } from 'graphile-worker';
import pg from 'pg';
import { createDatabaseIfMissing, dropDatabase } from '../src/hosts/distributed/databases.js';
import { benchName, databaseUrl } from './infrastructure.js';

export interface GraphileReference {
  readonly jobs: number;
  readonly jobsPerSecond: number;
  readonly settings: string;
}

const concurrentJobs = 24;
const localQueueSize = 500;
const quiet = new Logger(() => () => undefined);

/**
 * Graphile Worker — a PostgreSQL job queue in Node, durable like an outbox and inbox — on the
 * machine's PostgreSQL, as a reference for what a batching Node pipeline reaches here. It runs as
 * its own performance test does (perfTest/ in its repository): jobs queued first, then one worker
 * run until the queue is empty, with 24 concurrent jobs, a local queue of 500 jobs fetched and locked
 * per query, and completions batched; the time of a run over an empty queue (start and stop) is
 * subtracted. One Node process runs it here (the published figure uses four on a large server).
 */
export async function measureGraphileWorker(jobs: number): Promise<GraphileReference> {
  const url = databaseUrl(`${benchName()}_graphile`);
  await createDatabaseIfMissing(url);
  // A pool of the bench's own, ended before the database is dropped: graphile-worker does not await
  // the end of a pool it opens itself, and the drop's terminated connections would be unheard errors.
  const pool = new pg.Pool({ connectionString: url, max: concurrentJobs + 1 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    let executed = 0;
    const options: RunnerOptions = {
      logger: quiet,
      noHandleSignals: true,
      pgPool: pool,
      taskList: {
        noop: () => {
          executed += 1;
        },
      },
      preset: {
        worker: {
          concurrentJobs,
          localQueue: { size: localQueueSize, refetchDelay: { durationMs: 10 } },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    };
    const utils = await makeWorkerUtils({ pgPool: pool, logger: quiet });
    try {
      await utils.migrate();
      const startAndStop = await timed(() => runOnce(options));
      for (let queued = 0; queued < jobs; queued += 10_000) {
        const batch = Math.min(10_000, jobs - queued);
        await utils.addJobs(
          Array.from({ length: batch }, (_, index) => ({ identifier: 'noop', payload: { index } })),
        );
      }
      const run = await timed(() => runOnce(options));
      if (executed !== jobs) throw new Error(`Graphile Worker ran ${executed} of ${jobs} jobs`);
      return {
        jobs,
        jobsPerSecond: Math.round(jobs / Math.max(run - startAndStop, 0.001)),
        settings: `1 process, ${concurrentJobs} concurrent jobs, local queue ${localQueueSize}, batched completion`,
      };
    } finally {
      await utils.release();
    }
  } finally {
    await pool.end();
    await dropDatabase(url);
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}
