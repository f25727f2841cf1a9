import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { OrderPlaced, type Envelope, type PayloadOf } from '../../contracts/index.js';
import { migrate } from '../../src/platform/db/migrations.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { AppError, ContractViolation } from '../../src/platform/kernel/errors.js';
import { randomIds } from '../../src/platform/kernel/ids.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import type { Delivery, MessageBus, SubscriptionOptions } from '../../src/platform/messaging/bus.js';
import { ConsumerGroup, exponentialBackoff } from '../../src/platform/messaging/consumer.js';
import { defineHandler } from '../../src/platform/messaging/handler.js';
import { DeadLetterStore } from '../../src/platform/messaging/dead-letters.js';
import { Deferral } from '../../src/platform/messaging/deferral.js';
import { Outbox } from '../../src/platform/messaging/outbox.js';
import { messagingTables } from '../../src/platform/messaging/tables.js';
import { Metrics } from '../../src/platform/observability/metrics.js';
import { openPgliteTestDatabase, type TestDatabase } from '../support/databases.js';
import { envelopeFor } from '../support/envelopes.js';

/**
 * The runner's decisions for each delivery — ack, retry after a delay, dead letter, park — seen
 * on a bus that hands deliveries over directly and records how each was settled.
 */
const schema = 'decisions';
const maxDeliveries = 3;
const backoffFor = (deliveryCount: number) => deliveryCount * 1000;

type Settlement = { ack: true } | { nak: number } | { term: true };

interface Recorded {
  readonly settlements: Settlement[];
}

class HandingBus {
  readonly system = 'test';
  readonly handlers = new Map<string, SubscriptionOptions['handle']>();

  subscribe(options: SubscriptionOptions) {
    this.handlers.set(options.consumer, options.handle);
    return Promise.resolve({ stop: () => Promise.resolve() });
  }

  /** Hands the envelopes to the consumer together, as deliveries with this delivery count. */
  async hand(consumer: string, envelopes: readonly Envelope[], deliveryCount = 1): Promise<Recorded[]> {
    const handle = this.handlers.get(consumer);
    assert.ok(handle, `no subscription for ${consumer}`);
    const recorded = envelopes.map((): Recorded => ({ settlements: [] }));
    const deliveries = envelopes.map((envelope, index): Delivery => ({
      envelope,
      body: Buffer.from(JSON.stringify(envelope)),
      deliveryCount,
      ack: () => settle(recorded[index]!, { ack: true }),
      nak: (delayMs) => settle(recorded[index]!, { nak: delayMs }),
      term: () => settle(recorded[index]!, { term: true }),
    }));
    await Promise.all(deliveries.map((delivery) => handle(delivery)));
    return recorded;
  }
}

function settle(recorded: Recorded, settlement: Settlement): Promise<void> {
  recorded.settlements.push(settlement);
  return Promise.resolve();
}

type Failure = 'none' | 'error' | 'unavailable' | 'refused' | 'bug' | 'defer';

describe('the consumer runner decides each delivery', () => {
  let testDb: TestDatabase;
  let group: ConsumerGroup;
  let batched: ConsumerGroup;
  let deadLetters: DeadLetterStore;
  const bus = new HandingBus();
  const handled: string[] = [];
  let failure: Failure = 'none';
  const consumer = 'NotificationService-decisions';
  const batchConsumer = 'NotificationService-decisions-batched';

  const handler = (name: string) =>
    defineHandler({
      name,
      contract: OrderPlaced,
      upcasters: [
        {
          from: '0.1.x',
          upcast: (data) => ({ ...(data as PayloadOf<typeof OrderPlaced>), orderId: upcastOrderId }),
        },
      ],
      handle: ({ payload }) => {
        switch (failure) {
          case 'error':
            throw new Error('downstream unavailable');
          case 'unavailable':
            throw new AppError('unavailable', 'PROBE.NOT_YET', 'not there yet');
          case 'refused':
            throw new AppError('conflict', 'PROBE.REFUSED', 'refused by the rules');
          case 'bug':
            throw new ContractViolation('emitted a broken message', []);
          case 'defer':
            throw new Deferral('probe:ready', 'not ready yet');
          case 'none':
            handled.push(payload.orderId);
            return Promise.resolve();
        }
      },
    });
  const upcastOrderId = randomIds.next();

  before(async () => {
    testDb = await openPgliteTestDatabase();
    const { db } = testDb;
    await migrate(db, schema, messagingTables(schema));
    deadLetters = new DeadLetterStore(db, schema);
    const groupOf = (batchDeliveries: 'all' | 'set-based') =>
      new ConsumerGroup({
        service: 'NotificationService',
        schema,
        db,
        bus: bus as unknown as MessageBus,
        outbox: new Outbox({
          db,
          schema,
          service: 'NotificationService',
          clock: systemClock,
          ids: randomIds,
        }),
        deadLetters,
        logger: createLogger({ level: 'silent' }),
        metrics: new Metrics(),
        retry: { maxDeliveries, backoffMs: backoffFor },
        maxInFlight: 8,
        ackWaitMs: 30_000,
        batchDeliveries,
      });
    group = groupOf('set-based');
    batched = groupOf('all');
    await group.start([handler('decisions')]);
    await batched.start([handler('decisions-batched')]);
  });

  after(async () => {
    await group.stop();
    await batched.stop();
    await testDb.dispose();
  });

  beforeEach(() => {
    failure = 'none';
    handled.length = 0;
  });

  const placed = (overrides: Partial<Envelope> = {}) =>
    envelopeFor(OrderPlaced, { ...OrderPlaced.example, orderId: randomIds.next() }, overrides);
  const letterOf = async (envelope: Envelope) =>
    (await deadLetters.list({ includeReplayed: true })).find((letter) => letter.messageId === envelope.id);

  it('retries a failing handler after the back-off of its delivery count, until the last delivery', async () => {
    failure = 'error';
    const message = placed();
    const [second] = await bus.hand(consumer, [message], maxDeliveries - 1);
    assert.deepEqual(second?.settlements, [{ nak: backoffFor(maxDeliveries - 1) }]);
    assert.equal(await letterOf(message), undefined);
    const [last] = await bus.hand(consumer, [message], maxDeliveries);
    assert.deepEqual(last?.settlements, [{ term: true }]);
    const letter = await letterOf(message);
    assert.equal(letter?.reason, `failed ${maxDeliveries} times; last error: downstream unavailable`);
    assert.equal(letter.deliveries, maxDeliveries);
  });

  it('retries a rule that says "not yet", and dead-letters any other refusal at once', async () => {
    failure = 'unavailable';
    const notYet = placed();
    const [retried] = await bus.hand(consumer, [notYet]);
    assert.deepEqual(retried?.settlements, [{ nak: backoffFor(1) }]);
    assert.equal(await letterOf(notYet), undefined);

    failure = 'refused';
    const refused = placed();
    const [dropped] = await bus.hand(consumer, [refused]);
    assert.deepEqual(dropped?.settlements, [{ term: true }]);
    assert.equal((await letterOf(refused))?.reason, 'rejected: PROBE.REFUSED: refused by the rules');
  });

  it('dead-letters a broken message the handler emitted as a bug, without retrying', async () => {
    failure = 'bug';
    const message = placed();
    const [settled] = await bus.hand(consumer, [message]);
    assert.deepEqual(settled?.settlements, [{ term: true }]);
    assert.equal((await letterOf(message))?.reason, 'bug: emitted a broken message');
  });

  it('parks a deferred message and acknowledges it, neither retrying nor dead-lettering it', async () => {
    failure = 'defer';
    const message = placed();
    const [settled] = await bus.hand(consumer, [message]);
    assert.deepEqual(settled?.settlements, [{ ack: true }]);
    assert.equal(await letterOf(message), undefined);
    assert.deepEqual(
      await testDb.db.query('select consumer, awaited, reason from decisions.parked where message_id = $1', [
        message.id,
      ]),
      [{ consumer, awaited: 'probe:ready', reason: 'not ready yet' }],
    );
  });

  it('applies a message sent again under a new id once, and refuses another message under its key', async () => {
    const message = placed();
    const [first] = await bus.hand(consumer, [message]);
    const [again] = await bus.hand(consumer, [{ ...message, id: randomIds.next() }]);
    assert.deepEqual([first?.settlements, again?.settlements], [[{ ack: true }], [{ ack: true }]]);
    assert.deepEqual(handled, [message.data.orderId]);

    const other = placed({ idempotencykey: message.idempotencykey });
    const [refused] = await bus.hand(consumer, [other]);
    assert.deepEqual(refused?.settlements, [{ term: true }]);
    assert.match((await letterOf(other))?.reason ?? '', /^rejected: MESSAGING\.IDEMPOTENCY_KEY_REUSED: /);
    assert.deepEqual(handled, [message.data.orderId]);
  });

  it('applies the first of two messages with one key arriving together, and acknowledges both', async () => {
    const message = placed();
    const twin = { ...message, id: randomIds.next() };
    const other = placed();
    const settled = await bus.hand(batchConsumer, [message, twin, other]);
    assert.deepEqual(
      settled.map(({ settlements }) => settlements),
      [[{ ack: true }], [{ ack: true }], [{ ack: true }]],
    );
    assert.deepEqual(handled, [message.data.orderId, other.data.orderId]);
  });

  it('admits the accepted versions, upcasts only the versions an upcaster reads, and dead-letters the rest', async () => {
    const inRange = placed({ dataversion: '0.0.9' });
    const upcastable = placed({ dataversion: '0.1.4' });
    const beyondUpcaster = placed({ dataversion: '0.2.0' });
    const nextMajor = placed({ dataversion: '1.0.1' });
    const settled = await bus.hand(consumer, [inRange, upcastable, beyondUpcaster, nextMajor]);
    assert.deepEqual(
      settled.map(({ settlements }) => settlements),
      [[{ ack: true }], [{ ack: true }], [{ term: true }], [{ term: true }]],
    );
    assert.deepEqual(handled, [inRange.data.orderId, upcastOrderId]);
    assert.equal(
      (await letterOf(beyondUpcaster))?.reason,
      'OrderPlaced version 0.2.0 is outside the accepted range 0.0.x and no upcaster reads it',
    );
  });

  it('dead-letters a message of another type, or with a broken envelope, naming why', async () => {
    const otherType = placed({ type: 'OrderCancelled' });
    const broken = placed({ specversion: '0.3' as never });
    const settled = await bus.hand(consumer, [otherType, broken]);
    assert.deepEqual(
      settled.map(({ settlements }) => settlements),
      [[{ term: true }], [{ term: true }]],
    );
    assert.deepEqual(handled, []);
    assert.equal(
      (await letterOf(otherType))?.reason,
      'unexpected message type OrderCancelled on the OrderPlaced consumer',
    );
    assert.match((await letterOf(broken))?.reason ?? '', /^invalid envelope: \/specversion /);
  });

  it('refuses to replay a dead letter that does not exist or would still be rejected', async () => {
    await assert.rejects(group.replay(987_654), { code: 'MESSAGING.DEAD_LETTER_NOT_FOUND' });
    const tooNew = placed({ dataversion: '2.0.0' });
    await bus.hand(consumer, [tooNew]);
    const letter = await letterOf(tooNew);
    assert.ok(letter);
    await assert.rejects(group.replay(letter.id), { code: 'MESSAGING.STILL_REJECTED' });
    assert.deepEqual(handled, []);
  });
});

describe('exponential back-off with jitter', () => {
  it('doubles from the base up to the cap, within a fifth either way', () => {
    const policy = exponentialBackoff({ maxDeliveries: 5, baseMs: 1000, maxMs: 5000 });
    assert.equal(policy.maxDeliveries, 5);
    for (const [deliveryCount, nominal] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 5000],
      [9, 5000],
    ] as const) {
      const delays = Array.from({ length: 200 }, () => policy.backoffMs(deliveryCount));
      assert.ok(Math.min(...delays) >= nominal * 0.8, `${deliveryCount}: ${Math.min(...delays)}`);
      assert.ok(Math.max(...delays) <= nominal * 1.2, `${deliveryCount}: ${Math.max(...delays)}`);
      assert.ok(Math.max(...delays) - Math.min(...delays) > nominal * 0.2, 'the delays are spread');
    }
  });
});
