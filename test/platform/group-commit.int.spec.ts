import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, it } from 'node:test';
import { context, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { NotificationSent } from '../../contracts/index.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { CommitQueue, GroupCommit } from '../../src/platform/messaging/group-commit.js';
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

  it('commits the records of every member in one transaction, with the messages of each', async () => {
    const group = new GroupCommit(outbox, 3);
    const members = [group.member(), group.member(), group.member()];
    const txids = await Promise.all(
      members.map((member, index) => member.run(origin(`${index}`), record(`${index}`))),
    );

    assert.equal(new Set(txids).size, 1, `one transaction for all three, got ${txids.join(', ')}`);
    assert.deepEqual([...(await stored()).keys()].sort(), ['0', '1', '2']);
    assert.deepEqual(await outboxCorrelations(), ['correlation-0', 'correlation-1', 'correlation-2']);
  });

  it('runs the records in the order of the keys of the rows they lock, whatever order they came in', async () => {
    const group = new GroupCommit(outbox, 4);
    const ran: string[] = [];
    const keyed = (job: string) => async (uow: UnitOfWork) => {
      ran.push(job);
      return record(job)(uow);
    };
    const members = ['c', 'a', 'd', 'b'].map((key) => ({ key, member: group.member(`key-${key}`) }));
    const txids = await Promise.all(members.map(({ key, member }) => member.run(origin(key), keyed(key))));
    assert.equal(new Set(txids).size, 1);
    assert.deepEqual(ran, ['a', 'b', 'c', 'd']);
  });

  it('waits for no member that left without recording', async () => {
    const group = new GroupCommit(outbox, 3, 60_000);
    const [first, second, third] = [group.member(), group.member(), group.member()];
    const started = Date.now();
    const recorded = Promise.all([first.run(origin('a'), record('a')), second.run(origin('b'), record('b'))]);
    third.leave();
    const txids = await recorded;
    assert.ok(
      Date.now() - started < 5_000,
      'committed once every member was accounted for, not after the wait',
    );
    assert.equal(txids[0], txids[1]);
    assert.equal((await stored()).size, 2);
  });

  it('lets a failing record fail alone: the others commit, its own effects are rolled back', async () => {
    const group = new GroupCommit(outbox, 3);
    const [first, second, third] = [group.member(), group.member(), group.member()];
    const failing = async (uow: UnitOfWork) => {
      await record('bad')(uow);
      throw new Error('the provider answer cannot be stored');
    };
    const outcomes = await Promise.allSettled([
      first.run(origin('good-1'), record('good-1')),
      second.run(origin('bad'), failing),
      third.run(origin('good-2'), record('good-2')),
    ]);

    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    const refused = outcomes[1];
    assert.ok(refused.status === 'rejected');
    assert.match(String(refused.reason), /cannot be stored/);
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
    const group = new GroupCommit(outbox, 2, 30);
    const [early, late] = [group.member(), group.member()];
    const started = Date.now();
    const earlyTxid = await early.run(origin('early'), record('early'));
    assert.ok(Date.now() - started < 5_000, 'committed after the wait, not after the member still at work');
    assert.deepEqual([...(await stored()).keys()], ['early']);

    await sleep(50);
    const lateTxid = await late.run(origin('late'), record('late'));
    assert.notEqual(lateTxid, earlyTxid, 'a record after the group committed forms the next one');
    assert.deepEqual([...(await stored()).keys()].sort(), ['early', 'late']);
  });

  it('commits a second record of one member on its own', async () => {
    const group = new GroupCommit(outbox, 2, 60_000);
    const [member, other] = [group.member(), group.member()];
    const first = member.run(origin('first'), record('first'));
    const second = await member.run(origin('second'), record('second'));
    other.leave();
    assert.notEqual(await first, second);
    assert.deepEqual([...(await stored()).keys()].sort(), ['first', 'second']);
  });

  it("runs each record in the context it was made from, so its statements and messages stay in its job's trace", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    const registered = context.setGlobalContextManager(manager);
    try {
      const job = createContextKey('job');
      const group = new GroupCommit(outbox, 2);
      const seen = await Promise.all(
        ['x', 'y'].map((name) =>
          context.with(context.active().setValue(job, name), () =>
            group.member().run(origin(name), async (uow) => {
              await record(name)(uow);
              return context.active().getValue(job);
            }),
          ),
        ),
      );
      assert.ok(registered, 'this test registers the context manager it needs');
      assert.deepEqual(seen, ['x', 'y']);
    } finally {
      if (registered) context.disable();
    }
  });

  it('queues what arrives while the one connection of PGlite is busy into the next transaction; on a pool, runs each at once', async () => {
    const queue = new CommitQueue(outbox, db);
    const jobs = ['q0', 'q1', 'q2', 'q3', 'q4'];
    const txids = await Promise.all(jobs.map((job) => queue.run(origin(job), record(job))));

    if (engine === 'pglite') {
      assert.equal(
        new Set(txids.slice(1)).size,
        1,
        `the four queued share one transaction: ${txids.join(', ')}`,
      );
      assert.notEqual(txids[0], txids[1], 'the first ran at once, alone');
    } else {
      assert.equal(new Set(txids).size, jobs.length, `each its own transaction: ${txids.join(', ')}`);
    }
    assert.deepEqual([...(await stored()).keys()].sort(), jobs);
    assert.deepEqual(
      await outboxCorrelations(),
      jobs.map((job) => `correlation-${job}`),
    );
  });

  it('lets a failing unit of a queued group fail alone', async () => {
    const queue = new CommitQueue(outbox, db);
    const failing = async (uow: UnitOfWork) => {
      await record('bad')(uow);
      throw new Error('the order id was used before');
    };
    const outcomes = await Promise.allSettled([
      queue.run(origin('first'), record('first')),
      queue.run(origin('good'), record('good')),
      queue.run(origin('bad'), failing),
      queue.run(origin('also-good'), record('also-good')),
    ]);
    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.match(String(outcomes[2].status === 'rejected' && outcomes[2].reason), /used before/);
    assert.deepEqual([...(await stored()).keys()].sort(), ['also-good', 'first', 'good']);
    assert.deepEqual(await outboxCorrelations(), [
      'correlation-also-good',
      'correlation-first',
      'correlation-good',
    ]);
  });
});
