import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, it } from 'node:test';
import { NotificationSent } from '../../contracts/index.js';
import type { Database } from '../../src/platform/db/database.js';
import type { Delivery, Subscription } from '../../src/platform/messaging/bus.js';
import { LocalBus } from '../../src/platform/messaging/local-bus.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { messageFor } from '../support/envelopes.js';
import { until } from '../support/until.js';

const maxInFlight = 8;
/** Long enough for a claim the loop should not make to have been made. */
const settleMs = 150;

/** The database, counting the claims the bus makes on it. */
function countingClaims(db: Database): { db: Database; claims: () => number } {
  let claims = 0;
  return {
    claims: () => claims,
    db: {
      dialect: db.dialect,
      query: (text, params) => {
        if (/^\s*with due as/.test(text)) claims += 1;
        return db.query(text, params);
      },
      exec: (sql) => db.exec(sql),
      transaction: (work) => db.transaction(work),
      ping: () => db.ping(),
      close: () => db.close(),
    },
  };
}

describeEachEngine('the embedded bus claims in batches, or as it stores', (open) => {
  let database: TestDatabase;
  let bus: LocalBus;
  let subscription: Subscription | undefined;
  let counted: ReturnType<typeof countingClaims>;
  /** Each delivery handed out and not settled yet: acks it and ends its handling. */
  const held: (() => Promise<void>)[] = [];
  /** Set once the test is over: deliveries are then acked as they come. */
  let draining = false;

  beforeEach(async () => {
    draining = false;
    database = await open();
    counted = countingClaims(database.db);
    bus = await LocalBus.open(counted.db);
  });

  afterEach(async () => {
    draining = true;
    for (const release of held.splice(0)) await release();
    await subscription?.stop();
    await bus.close();
    await database.dispose();
  });

  async function subscribeWith(
    ackWaitMs: number,
    handle: (delivery: Delivery) => Promise<void>,
  ): Promise<void> {
    subscription = await bus.subscribe({
      consumer: 'claims-test',
      channels: [NotificationSent.channel],
      maxInFlight,
      ackWaitMs,
      handle,
    });
  }

  /** Subscribes with a handler that holds each delivery until the test acks it. */
  const subscribeHolding = () =>
    subscribeWith(60_000, (delivery) =>
      draining
        ? delivery.ack()
        : new Promise<void>((handled) => {
            held.push(async () => {
              await delivery.ack();
              handled();
            });
          }),
    );

  const messages = (count: number) =>
    Array.from({ length: count }, () => messageFor(NotificationSent, NotificationSent.example));
  const publish = (count: number) => bus.publish(messages(count));

  it('does not claim again when a delivery settles and nothing new was published', async () => {
    await subscribeHolding();
    const before = counted.claims();
    await publish(3);
    await until('the three deliveries', () => held.length === 3);
    const afterDelivery = counted.claims();
    for (const release of held.splice(0)) await release();
    await sleep(settleMs);
    assert.equal(counted.claims(), afterDelivery, 'no claim followed the acks');
    assert.ok(afterDelivery - before <= 2, `${afterDelivery - before} claims for one publish`);
  });

  it('claims again under load only once a quarter of its room is free', async () => {
    await subscribeHolding();
    await publish(maxInFlight + 6);
    await until('a full load', () => held.length === maxInFlight);
    const full = counted.claims();

    await held.shift()?.();
    await sleep(settleMs);
    assert.equal(counted.claims(), full, 'one free place does not make a claim');
    assert.equal(held.length, maxInFlight - 1);

    await held.shift()?.();
    await until('the next two deliveries', () => held.length === maxInFlight);
    assert.equal(counted.claims(), full + 1, 'two free places make one claim of two');
  });

  it('hands the messages it stores to an idle subscription, without a claim', async () => {
    await subscribeHolding();
    await until('the first claim of the new subscription', () => counted.claims() > 0);
    await sleep(settleMs);
    const idle = counted.claims();
    const published = messages(3);
    await bus.publish(published);
    await until('the three deliveries', () => held.length === 3);
    assert.equal(counted.claims(), idle, 'no claim was needed');
    await sleep(settleMs);
    assert.equal(held.length, 3, 'each message was delivered once');
    assert.deepEqual(await bus.consumerStats('claims-test'), { waiting: 0, inFlight: 3, redelivered: 0 });
  });

  it('hands nothing over before the transaction that stored it commits, nor after it rolled back', async () => {
    await subscribeHolding();
    await sleep(settleMs);
    await assert.rejects(
      database.db.transaction(async (tx) => {
        await bus.inDatabase.publishWithin(tx, messages(2));
        await sleep(settleMs);
        assert.equal(held.length, 0, 'nothing delivered while the transaction is open');
        throw new Error('rolled back');
      }),
      /rolled back/,
    );
    await sleep(settleMs);
    assert.equal(held.length, 0);
    assert.equal(await bus.pendingCount('claims-test'), 0);
  });

  it('delivers a handed-over message again once its ack-wait runs out', async () => {
    const counts: number[] = [];
    await subscribeWith(300, async (delivery) => {
      counts.push(delivery.deliveryCount);
      // The first delivery is lost, as in a crash: neither acked nor nakked.
      if (delivery.deliveryCount > 1) await delivery.ack();
    });
    await sleep(settleMs);
    const idle = counted.claims();
    await publish(1);
    await until('the redelivery', () => counts.length === 2, { timeoutMs: 5_000 });
    assert.deepEqual(counts, [1, 2]);
    assert.equal(counted.claims(), idle + 1, 'handed over once, then claimed once');
    await until('the ack', async () => (await bus.pendingCount('claims-test')) === 0);
  });

  it('gives back what it stored for a subscription that filled up before the commit', async () => {
    await subscribeHolding();
    await sleep(settleMs);
    const announce = await database.db.transaction((tx) => bus.inDatabase.publishWithin(tx, messages(1)));
    await publish(maxInFlight);
    await until('a full load', () => held.length === maxInFlight);
    announce();
    await sleep(settleMs);
    assert.equal(held.length, maxInFlight, 'no more than its room in flight');
    // Two free places make a claim, which finds the delivery given back.
    for (const release of held.splice(0, 2)) await release();
    await until('the given-back delivery', () => held.length === maxInFlight - 1);
    assert.equal(await bus.pendingCount('claims-test'), maxInFlight - 1);
  });

  it('gives back what it stored for a subscription that stopped before the commit', async () => {
    await subscribeHolding();
    await sleep(settleMs);
    const announce = await database.db.transaction((tx) => bus.inDatabase.publishWithin(tx, messages(1)));
    await subscription?.stop();
    subscription = undefined;
    announce();
    const again: number[] = [];
    await subscribeWith(60_000, async (delivery) => {
      again.push(delivery.deliveryCount);
      await delivery.ack();
    });
    await until('the delivery to the next subscription', () => again.length === 1, { timeoutMs: 5_000 });
    assert.deepEqual(again, [1], 'delivered as a first delivery, long before its ack-wait');
  });
});
