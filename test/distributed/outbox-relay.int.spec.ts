import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { NotificationSent } from '../../contracts/index.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { randomIds } from '../../src/platform/kernel/ids.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import type { ConsumerStats, MessageBus, OutgoingMessage } from '../../src/platform/messaging/bus.js';
import { Outbox } from '../../src/platform/messaging/outbox.js';
import { OutboxRelay } from '../../src/platform/messaging/outbox-relay.js';
import { RelayLease, relayLeaseTable } from '../../src/platform/messaging/relay-lease.js';
import { messagingTables } from '../../src/platform/messaging/tables.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { until } from '../support/until.js';

const schema = 'relayprobe';

/** A bus that only records what each relay published. */
function recordingBus(published: OutgoingMessage[]): MessageBus {
  const none: ConsumerStats = { waiting: 0, inFlight: 0, redelivered: 0 };
  return {
    system: 'recording',
    publish: async (messages) => {
      published.push(...messages);
    },
    subscribe: () => Promise.reject(new Error('not used')),
    pendingCount: async () => 0,
    consumerStats: async () => none,
    ping: async () => undefined,
    close: async () => undefined,
  };
}

describeEachEngine('outbox relays of several replicas', (open, engine) => {
  let testDb: TestDatabase;
  let db: Database;
  let other: Database;
  let outbox: Outbox;

  before(async () => {
    testDb = await open();
    db = testDb.db;
    other = await testDb.openAnother();
    await migrate(db, schema, [...messagingTables(schema), relayLeaseTable(schema)]);
    outbox = new Outbox({ db, schema, service: 'NotificationService', clock: systemClock, ids: randomIds });
  });

  after(async () => {
    await testDb.dispose();
  });

  const commit = (count: number) =>
    outbox.run({ correlationId: randomUUID() }, async (uow) => {
      for (let index = 0; index < count; index++) {
        uow.emit(NotificationSent, { ...NotificationSent.example, orderId: randomUUID() });
      }
    });
  const relay = (database: Database, published: OutgoingMessage[]) =>
    new OutboxRelay({
      db: database,
      schema,
      bus: recordingBus(published),
      outbox,
      logger: createLogger({ level: 'silent' }),
      pollIntervalMs: 20,
      leaseMs: 60_000,
    });

  const singleProcess = engine === 'pglite' && 'PGlite serves one process: its relay takes no lease';

  it(
    'publishes through one replica only, and hands over at once when that one stops',
    { skip: singleProcess },
    async () => {
      const first: OutgoingMessage[] = [];
      const second: OutgoingMessage[] = [];
      const leader = relay(db, first);
      const follower = relay(other, second);
      leader.start();
      await commit(3);
      await until('the leader published', () => first.length === 3);
      follower.start();
      await commit(2);
      await until('the leader published again', () => first.length === 5);
      assert.equal(second.length, 0, 'the follower published nothing while the leader held the lease');

      await leader.stop();
      await commit(4);
      await until('the follower took over', () => second.length === 4);
      await follower.stop();
      assert.equal(first.length, 5);
    },
  );

  it('wakes the relay after a commit that appended messages, and only then', async () => {
    await outbox.appended.wait(0);
    await commit(0);
    assert.equal(await outbox.appended.wait(0), false, 'a commit that emitted nothing rang the relay');
    await commit(1);
    assert.equal(
      await outbox.appended.wait(0),
      true,
      'a commit that emitted a message did not ring the relay',
    );
  });

  it('lets another replica take a lease its holder stopped renewing, and the old holder learns it lost it', async () => {
    const a = new RelayLease(db, schema, 300);
    const b = new RelayLease(other, schema, 300);
    await a.release();
    assert.equal(await a.hold(), true);
    assert.equal(await b.hold(), false);
    const lapsed = Date.now() + 350;
    await until('the lease lapsing', () => Date.now() > lapsed);
    assert.equal(await b.hold(), true);
    assert.equal(await a.hold(), false);
    await b.release();
  });
});
