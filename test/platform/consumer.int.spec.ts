import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { NotificationSent, OrderPlaced, type Envelope, type PayloadOf } from '../../contracts/index.js';
import type { Database } from '../../src/platform/db/database.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { randomIds } from '../../src/platform/kernel/ids.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { ConsumerGroup, exponentialBackoff } from '../../src/platform/messaging/consumer.js';
import {
  defineHandler,
  type MessageHandler,
  type MessageObserver,
} from '../../src/platform/messaging/handler.js';
import { DeadLetterStore } from '../../src/platform/messaging/dead-letters.js';
import { Deferral } from '../../src/platform/messaging/deferral.js';
import { LocalBus } from '../../src/platform/messaging/local-bus.js';
import { Outbox } from '../../src/platform/messaging/outbox.js';
import { messagingTables } from '../../src/platform/messaging/tables.js';
import { Metrics } from '../../src/platform/observability/metrics.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { envelopeFor } from '../support/envelopes.js';
import { until } from '../support/until.js';

const schema = 'probe';
type Behaviour = 'apply' | 'throw' | 'refuse' | 'emit-then-throw' | 'await-ready';

/** A consumer whose behaviour each test sets, applying a countable effect in the handler's transaction. */
interface ProbeState {
  behaviour: Behaviour;
  poisoned: Set<string>;
  ready: boolean;
}

/** Version 0.1.x of OrderPlaced, as this probe pretends it was, named the order `legacyOrderId`. */
type LegacyOrderPlaced = Omit<PayloadOf<typeof OrderPlaced>, 'orderId'> & { legacyOrderId: string };

function fromLegacyOrderPlaced(data: unknown): PayloadOf<typeof OrderPlaced> {
  const { legacyOrderId, ...rest } = data as LegacyOrderPlaced;
  return { ...rest, orderId: legacyOrderId };
}

function probeHandler(state: ProbeState): MessageHandler {
  return defineHandler({
    name: 'probe',
    contract: OrderPlaced,
    upcasters: [{ from: '0.1.x', upcast: fromLegacyOrderPlaced }],
    handle: async ({ envelope, payload }, uow) => {
      if (state.poisoned.has(payload.orderId)) throw new Error('poison');
      if (state.behaviour === 'await-ready' && !state.ready)
        throw new Deferral('probe:ready', 'not ready yet');
      if (state.behaviour === 'refuse')
        throw new AppError('conflict', 'PROBE.REFUSED', 'refused by the rules');
      await uow.sql.query(`insert into probe.effects (message_id, order_id) values ($1, $2)`, [
        envelope.id,
        payload.orderId,
      ]);
      if (state.behaviour === 'emit-then-throw' || state.behaviour === 'apply') {
        uow.emit(NotificationSent, { ...NotificationSent.example, orderId: payload.orderId });
      }
      if (state.behaviour === 'throw' || state.behaviour === 'emit-then-throw')
        throw new Error('downstream unavailable');
    },
  });
}

/** Records the id of each message it is given, once per id, and every call it gets. */
function probeObserver(calls: string[]): MessageObserver {
  return {
    name: 'watch',
    channels: [NotificationSent.channel],
    record: async (envelopes, uow) => {
      const ids = envelopes.map((envelope) => envelope.id);
      calls.push(...ids);
      await uow.sql.query(
        'insert into probe.observed (message_id) select id from unnest($1::text[]) as m (id) order by id on conflict do nothing',
        [ids],
      );
    },
  };
}

describeEachEngine('the consumer runner', (open) => {
  let testDb: TestDatabase;
  let db: Database;
  let bus: LocalBus;
  let group: ConsumerGroup;
  let deadLetters: DeadLetterStore;
  const state: ProbeState = { behaviour: 'apply', poisoned: new Set(), ready: false };
  let outbox: Outbox;
  const consumer = 'NotificationService-probe';
  const observerCalls: string[] = [];

  before(async () => {
    testDb = await open();
    db = testDb.db;
    await migrate(db, schema, [
      ...messagingTables(schema),
      { name: '001_effects', sql: 'create table probe.effects (message_id text, order_id uuid)' },
      { name: '002_observed', sql: 'create table probe.observed (message_id text primary key)' },
    ]);
    bus = await LocalBus.open(db, { pollIntervalMs: 10 });
    outbox = new Outbox({
      db,
      schema,
      service: 'NotificationService',
      clock: systemClock,
      ids: randomIds,
    });
    deadLetters = new DeadLetterStore(db, schema);
    group = new ConsumerGroup({
      service: 'NotificationService',
      schema,
      db,
      bus,
      outbox,
      deadLetters,
      logger: createLogger({ level: 'silent' }),
      metrics: new Metrics(),
      retry: exponentialBackoff({ maxDeliveries: 3, baseMs: 5, maxMs: 20 }),
      maxInFlight: 4,
      ackWaitMs: 30_000,
      batchDeliveries: db.dialect === 'pglite' ? 'all' : 'set-based',
    });
    await group.start([probeHandler(state)], [probeObserver(observerCalls)]);
  });

  after(async () => {
    await group.stop();
    await bus.close();
    await testDb.dispose();
  });

  async function deliver(...envelopes: Envelope[]): Promise<void> {
    await bus.publish(envelopes.map((envelope) => ({ channel: OrderPlaced.channel, envelope })));
    await until('the consumer drained', async () => (await bus.pendingCount(consumer)) === 0, { everyMs: 5 });
  }

  const effectsOf = async (envelope: Envelope) =>
    (
      await db.query<{ n: number }>('select count(*)::int as n from probe.effects where message_id = $1', [
        envelope.id,
      ])
    )[0]!.n;
  const effectRowsOf = (envelope: Envelope) =>
    db.query<{ order_id: string }>('select order_id from probe.effects where message_id = $1', [envelope.id]);
  const outboxFor = async (orderId: string) =>
    (
      await db.query<{ n: number }>(
        `select count(*)::int as n from probe.outbox where envelope->'data'->>'orderId' = $1`,
        [orderId],
      )
    )[0]!.n;
  const letterOf = async (envelope: Envelope) =>
    (await deadLetters.list({ includeReplayed: true })).find((l) => l.messageId === envelope.id);
  const placed = () => envelopeFor(OrderPlaced, { ...OrderPlaced.example, orderId: randomIds.next() });

  it('applies a message delivered twice only once', async () => {
    state.behaviour = 'apply';
    const message = placed();
    await deliver(message);
    await db.query('delete from bus.messages where id = $1', [message.id]);
    await deliver(message);
    assert.equal(await effectsOf(message), 1);
    assert.equal(await outboxFor(message.data.orderId), 1);
  });

  it('gives an observer of its own channels a message again, keeping no inbox, and a reused key as a message of its own', async () => {
    const watcher = group.consumerName('watch');
    const observe = async (...envelopes: Envelope[]) => {
      await bus.publish(envelopes.map((envelope) => ({ channel: NotificationSent.channel, envelope })));
      await until('the observer drained', async () => (await bus.pendingCount(watcher)) === 0, {
        everyMs: 5,
      });
    };
    const sent = envelopeFor(NotificationSent, { ...NotificationSent.example, orderId: randomIds.next() });
    await observe(sent);
    await db.query('delete from bus.messages where id = $1', [sent.id]);
    await observe(sent);
    const resent = { ...sent, id: randomIds.next() };
    await observe(resent);

    assert.deepEqual(
      observerCalls.filter((id) => id === sent.id || id === resent.id),
      [sent.id, sent.id, resent.id],
      'each delivery recorded, none told apart by an inbox',
    );
    const observed = await db.query<{ message_id: string }>(
      'select message_id from probe.observed where message_id = any ($1::text[]) order by message_id',
      [[sent.id, resent.id]],
    );
    assert.deepEqual(
      observed.map((row) => row.message_id),
      [sent.id, resent.id].sort(),
    );
    const [slots] = await db.query<{ n: number }>(
      'select count(*)::int as n from probe.inbox where consumer = $1',
      [watcher],
    );
    assert.equal(slots?.n, 0);
    assert.equal(
      (await deadLetters.list({ includeReplayed: true })).filter((l) => l.consumer === watcher).length,
      0,
    );
  });

  it('dead-letters a payload that breaks the schema, naming the field, and applies nothing', async () => {
    state.behaviour = 'apply';
    const message = envelopeFor(OrderPlaced, { ...OrderPlaced.example, orderId: 'not-a-uuid' });
    await deliver(message);
    assert.equal(await effectsOf(message), 0);
    assert.match(
      (await letterOf(message))!.reason,
      /invalid OrderPlaced payload: \/orderId must match format "uuid"$/,
    );
  });

  it('dead-letters a version outside the accepted range unless an upcaster reads it', async () => {
    state.behaviour = 'apply';
    const tooNew = { ...placed(), dataversion: '1.0.0' };
    const sameMajorTooNew = { ...placed(), dataversion: '0.2.0' };
    const inRange = { ...placed(), dataversion: '0.0.7' };
    const legacyOrderId = randomIds.next();
    const { orderId: _orderId, ...rest } = placed().data;
    const legacy: LegacyOrderPlaced = { ...rest, legacyOrderId };
    const upcastable = { ...placed(), dataversion: '0.1.3', data: legacy as never };
    await deliver(tooNew, sameMajorTooNew, inRange, upcastable);
    for (const outside of [tooNew, sameMajorTooNew]) {
      assert.equal(await effectsOf(outside), 0, outside.dataversion);
      assert.match(
        (await letterOf(outside))?.reason ?? '',
        new RegExp(
          `version ${outside.dataversion.replaceAll('.', '\\.')} is outside the accepted range 0\\.0\\.x`,
        ),
      );
    }
    assert.equal(await effectsOf(inRange), 1);
    assert.equal(await letterOf(upcastable), undefined);
    assert.deepEqual(
      await effectRowsOf(upcastable),
      [{ order_id: legacyOrderId }],
      'the handler saw the upcast data',
    );
  });

  it('retries a failing handler with back-off, then dead-letters it with the last error', async () => {
    state.behaviour = 'throw';
    const message = placed();
    await deliver(message);
    const letter = await letterOf(message);
    assert.equal(letter?.deliveries, 3);
    assert.match(letter.reason, /failed 3 times; last error: downstream unavailable/);
    assert.equal(await effectsOf(message), 0);
  });

  it('rolls back the effect and the emitted message together when the handler fails', async () => {
    state.behaviour = 'emit-then-throw';
    const message = placed();
    await deliver(message);
    assert.equal(await effectsOf(message), 0);
    assert.equal(await outboxFor(message.data.orderId), 0);
  });

  it('dead-letters a refusal by the rules at once, without retrying', async () => {
    state.behaviour = 'refuse';
    const message = placed();
    await deliver(message);
    const letter = await letterOf(message);
    assert.equal(letter?.deliveries, 1);
    assert.match(letter.reason, /PROBE\.REFUSED/);
  });

  it('keeps delivering the messages behind a poisoned one', async () => {
    state.behaviour = 'apply';
    const poisoned = placed();
    const healthy = placed();
    state.poisoned.add(poisoned.data.orderId);
    await deliver(poisoned, healthy);
    assert.equal(await effectsOf(healthy), 1);
    assert.equal((await letterOf(poisoned))?.deliveries, 3);
  });

  it('replays a dead letter once the cause is fixed, and only once', async () => {
    state.behaviour = 'throw';
    const message = placed();
    await deliver(message);
    const letter = (await letterOf(message))!;
    state.behaviour = 'apply';
    assert.equal(await group.replay(letter.id), 'handled');
    assert.equal(await effectsOf(message), 1);
    await assert.rejects(group.replay(letter.id), /was replayed/);
  });

  it('parks a deferred message without retrying it, and runs it once when what it awaits holds', async () => {
    state.behaviour = 'await-ready';
    state.ready = false;
    const message = placed();
    await deliver(message);
    const parked = await db.query<{ awaited: string }>(
      'select awaited from probe.parked where message_id = $1',
      [message.id],
    );
    assert.deepEqual(parked, [{ awaited: 'probe:ready' }]);
    assert.equal(await effectsOf(message), 0);
    assert.equal(await letterOf(message), undefined);

    state.ready = true;
    await outbox.run({ correlationId: 'probe' }, async (uow) => {
      uow.resume('probe:ready');
    });
    await until('the parked message ran', async () => (await effectsOf(message)) > 0, { everyMs: 5 });
    // A second wake-up, and time for a second run (many bus polls) to show if there is one.
    await outbox.run({ correlationId: 'probe' }, async (uow) => {
      uow.resume('probe:ready');
    });
    const watchUntil = Date.now() + 500;
    while (Date.now() < watchUntil) {
      assert.equal(await effectsOf(message), 1, 'the parked message ran again');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.deepEqual(await db.query('select * from probe.parked'), []);
  });
});
