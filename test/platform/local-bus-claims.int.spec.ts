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

describeEachEngine('the embedded bus claims in batches', (open) => {
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

  /** Subscribes with a handler that holds each delivery until the test acks it. */
  async function subscribeHolding(): Promise<void> {
    subscription = await bus.subscribe({
      consumer: 'claims-test',
      channels: [NotificationSent.channel],
      maxInFlight,
      ackWaitMs: 60_000,
      handle: (delivery: Delivery) =>
        draining
          ? delivery.ack()
          : new Promise<void>((handled) => {
              held.push(async () => {
                await delivery.ack();
                handled();
              });
            }),
    });
  }

  const publish = (count: number) =>
    bus.publish(Array.from({ length: count }, () => messageFor(NotificationSent, NotificationSent.example)));

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
});
