import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { NotificationSent } from '../../contracts/index.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import {
  CommitQueue,
  GroupCommit,
  type Queued,
  type Recorded,
} from '../../src/platform/messaging/group-commit.js';
import { inSpan } from '../../src/platform/observability/spans.js';
import { startTracing } from '../../src/platform/observability/tracing.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { randomIds } from '../../src/platform/kernel/ids.js';
import { Outbox } from '../../src/platform/messaging/outbox.js';
import { messagingTables } from '../../src/platform/messaging/tables.js';
import type { UnitOfWork } from '../../src/platform/messaging/unit-of-work.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';

const schema = 'grouped';

describeEachEngine('group commits of outcomes and requests', (open, engine) => {
  let testDb: TestDatabase;
  let db: Database;
  let outbox: Outbox;

  before(async () => {
    testDb = await open();
    db = testDb.db;
    await migrate(db, schema, [
      ...messagingTables(schema),
      {
        name: '001_outcomes',
        sql: 'create table grouped.outcomes (job text primary key, txid bigint not null)',
      },
    ]);
    outbox = new Outbox({ db, schema, service: 'NotificationService', clock: systemClock, ids: randomIds });
  });

  after(async () => {
    await testDb.dispose();
  });

  beforeEach(async () => {
    await db.query('delete from grouped.outcomes');
    await db.query('delete from grouped.outbox');
  });

  /** Records the job's outcome with the id of the transaction it ran in, and emits a message for it. */
  const record = (job: string) => async (uow: UnitOfWork) => {
    const [row] = await uow.sql.query<{ txid: string }>(
      'insert into grouped.outcomes (job, txid) values ($1, txid_current()) returning txid::text',
      [job],
    );
    uow.emit(NotificationSent, { ...NotificationSent.example, notificationId: randomIds.next() });
    return row?.txid;
  };
  const origin = (job: string) => ({ correlationId: `correlation-${job}` });

  async function stored(): Promise<Map<string, string>> {
    const rows = await db.query<{ job: string; txid: string }>(
      'select job, txid::text as txid from grouped.outcomes',
    );
    return new Map(rows.map((row) => [row.job, row.txid]));
  }

  async function outboxCorrelations(): Promise<string[]> {
    const rows = await db.query<{ correlation: string }>(
      "select envelope->>'correlationid' as correlation from grouped.outbox order by 1",
    );
    return rows.map((row) => row.correlation);
  }

  /**
   * Records a group's jobs in one statement, with the id of the transaction, and emits a message
   * for each; a job named `bad` cannot be stored. Notes the trace each job's unit of work continues.
   */
  const recordJobs =
    (batches: string[][] = [], continued = new Map<string, string | undefined>()) =>
    async (recorded: readonly Recorded<string>[]) => {
      const jobs = recorded.map(({ end }) => end);
      batches.push(jobs);
      for (const { uow, end } of recorded) continued.set(end, uow.origin.traceparent);
      const [first] = recorded;
      await first?.uow.sql.query(
        'insert into grouped.outcomes (job, txid) select unnest($1::text[]), txid_current()',
        [jobs],
      );
      if (jobs.includes('bad')) throw new Error('the provider answer cannot be stored');
      for (const { uow } of recorded)
        uow.emit(NotificationSent, { ...NotificationSent.example, notificationId: randomIds.next() });
    };

  it("hands every member's outcome to one record, in one transaction, with the messages of each", async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(outbox, 3, recordJobs(batches));
    await Promise.all(['0', '1', '2'].map((job) => group.member().record(origin(job), job)));

    assert.deepEqual(
      batches.map((batch) => [...batch].sort()),
      [['0', '1', '2']],
    );
    const txids = await stored();
    assert.deepEqual([...txids.keys()].sort(), ['0', '1', '2']);
    assert.equal(new Set(txids.values()).size, 1, 'one transaction for all three');
    assert.deepEqual(await outboxCorrelations(), ['correlation-0', 'correlation-1', 'correlation-2']);
  });

  it('waits for no member that left without recording', async () => {
    const group = new GroupCommit(outbox, 3, recordJobs(), 60_000);
    const [first, second, third] = [group.member(), group.member(), group.member()];
    const started = Date.now();
    const recorded = Promise.all([first.record(origin('a'), 'a'), second.record(origin('b'), 'b')]);
    third.leave();
    await recorded;
    assert.ok(
      Date.now() - started < 5_000,
      'committed once every member was accounted for, not after the wait',
    );
    const txids = await stored();
    assert.equal(txids.size, 2);
    assert.equal(txids.get('a'), txids.get('b'));
  });

  it('lets a failing outcome fail alone: the others commit, its own effects are rolled back', async () => {
    const batches: string[][] = [];
    const group = new GroupCommit(outbox, 3, recordJobs(batches));
    const outcomes = await Promise.allSettled(
      ['good-1', 'bad', 'good-2'].map((job) => group.member().record(origin(job), job)),
    );

    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const [, refused] = outcomes;
    assert.ok(refused?.status === 'rejected');
    assert.match(String(refused.reason), /cannot be stored/);
    assert.equal(batches.length, 4, 'the group, then each outcome on its own');
    const rows = await stored();
    assert.deepEqual([...rows.keys()].sort(), ['good-1', 'good-2']);
    assert.notEqual(
      rows.get('good-1'),
      rows.get('good-2'),
      'each committed on its own after the group failed',
    );
    assert.deepEqual(await outboxCorrelations(), ['correlation-good-1', 'correlation-good-2']);
  });

  it('does not hold a record back longer than the longest wait for a member still at work', async () => {
    const group = new GroupCommit(outbox, 2, recordJobs(), 30);
    const [early, late] = [group.member(), group.member()];
    const started = Date.now();
    await early.record(origin('early'), 'early');
    assert.ok(Date.now() - started < 5_000, 'committed after the wait, not after the member still at work');
    assert.deepEqual([...(await stored()).keys()], ['early']);

    await sleep(50);
    await late.record(origin('late'), 'late');
    const txids = await stored();
    assert.notEqual(
      txids.get('late'),
      txids.get('early'),
      'a record after the group committed forms the next one',
    );
  });

  it('commits a second record of one member on its own', async () => {
    const group = new GroupCommit(outbox, 2, recordJobs(), 60_000);
    const [member, other] = [group.member(), group.member()];
    const first = member.record(origin('first'), 'first');
    await member.record(origin('second'), 'second');
    other.leave();
    await first;
    const txids = await stored();
    assert.deepEqual([...txids.keys()].sort(), ['first', 'second']);
    assert.notEqual(txids.get('first'), txids.get('second'));
  });

  it('sends what each member emits from the span it recorded in, and continues from it, though one record writes them all', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing({ processName: 'test', services: ['NotificationService'], exporter });
    try {
      const continued = new Map<string, string | undefined>();
      const group = new GroupCommit(outbox, 2, recordJobs([], continued));
      const jobSpans = new Map<string, string>();
      const jobTraces = await Promise.all(
        ['x', 'y'].map((job) =>
          inSpan(`job ${job}`, {}, async (span) => {
            await group.member().record(origin(job), job);
            jobSpans.set(job, span.spanContext().spanId);
            return [`correlation-${job}`, span.spanContext().traceId];
          }),
        ),
      );
      assert.deepEqual(
        ['x', 'y'].map((job) => continued.get(job)?.split('-')[2]),
        ['x', 'y'].map((job) => jobSpans.get(job)),
        "what each job's unit of work queues for later continues from the job's own span",
      );
      const rows = await db.query<{ correlation: string; traceparent: string }>(
        "select envelope->>'correlationid' as correlation, envelope->>'traceparent' as traceparent from grouped.outbox order by 1",
      );
      assert.deepEqual(
        rows.map((row) => [row.correlation, row.traceparent.split('-')[1]]),
        jobTraces,
        'each message in the trace of the job that emitted it',
      );
    } finally {
      await tracing.shutdown();
    }
  });

  /** Runs a queued group one input after the other, noting the inputs of each call. */
  const queueNoting = (calls: string[][]) =>
    new CommitQueue(outbox, db, async (queued: readonly Queued<string>[]) => {
      calls.push(queued.map(({ input }) => input));
      const txids: (string | undefined)[] = [];
      for (const { uow, input } of queued) {
        if (input === 'bad') throw new Error('the order id was used before');
        txids.push(await record(input)(uow));
      }
      return txids;
    });

  it('queues what arrives while the one connection of PGlite is busy into the next transaction and one call; on a pool, runs each at once', async () => {
    const calls: string[][] = [];
    const queue = queueNoting(calls);
    const jobs = ['q0', 'q1', 'q2', 'q3', 'q4'];
    const txids = await Promise.all(jobs.map((job) => queue.run(origin(job), job)));

    if (engine === 'pglite') {
      assert.equal(
        new Set(txids.slice(1)).size,
        1,
        `the four queued share one transaction: ${txids.join(', ')}`,
      );
      assert.notEqual(txids[0], txids[1], 'the first ran at once, alone');
      assert.deepEqual(calls, [['q0'], ['q1', 'q2', 'q3', 'q4']]);
    } else {
      assert.equal(new Set(txids).size, jobs.length, `each its own transaction: ${txids.join(', ')}`);
      assert.deepEqual(
        calls.sort(),
        jobs.map((job) => [job]),
      );
    }
    assert.deepEqual([...(await stored()).keys()].sort(), jobs);
    assert.deepEqual(
      await outboxCorrelations(),
      jobs.map((job) => `correlation-${job}`),
    );
  });

  it('lets a failing input of a queued group fail alone', async () => {
    const calls: string[][] = [];
    const queue = queueNoting(calls);
    const outcomes = await Promise.allSettled(
      ['first', 'good', 'bad', 'also-good'].map((job) => queue.run(origin(job), job)),
    );
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    const bad = outcomes[2];
    assert.match(String(bad?.status === 'rejected' && bad.reason), /used before/);
    assert.deepEqual([...(await stored()).keys()].sort(), ['also-good', 'first', 'good']);
    assert.deepEqual(await outboxCorrelations(), [
      'correlation-also-good',
      'correlation-first',
      'correlation-good',
    ]);
    if (engine === 'pglite')
      assert.deepEqual(calls, [['first'], ['good', 'bad', 'also-good'], ['good'], ['bad'], ['also-good']]);
  });
});
