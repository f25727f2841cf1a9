import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, it } from 'node:test';
import { Registry } from 'prom-client';
import { PlaceOrder, type Envelope } from '../../../../contracts/index.js';
import type { Database, Sql } from '../../../platform/db/database.js';
import { systemClock } from '../../../platform/kernel/clock.js';
import { randomIds } from '../../../platform/kernel/ids.js';
import { Outbox } from '../../../platform/messaging/outbox.js';
import { describeEachEngine, type TestDatabase } from '../../../../test/support/databases.js';
import { envelopeFor } from '../../../../test/support/envelopes.js';
import { startTestHost } from '../../../../test/support/host.js';
import { placeOrderBody } from '../../../../test/support/orders.js';
import { ordersService } from '../index.js';
import { InProgressBound } from './in-progress-bound.js';
import { placeOrders, type PlaceOrderCommand, type Placement } from './place-order.js';

describeEachEngine('placing a batch of orders in one transaction', (open) => {
  let testDb: TestDatabase;
  let db: Database;
  let outbox: Outbox;

  before(async () => {
    testDb = await open();
    db = testDb.db;
    // The host brings the schema up to date; the batches below run without its consumers.
    await (await startTestHost({ db, modules: [ordersService] })).stop();
    outbox = new Outbox({
      db,
      schema: 'orders',
      service: 'OrdersService',
      clock: systemClock,
      ids: randomIds,
    });
  });

  after(async () => {
    await testDb.dispose();
  });

  beforeEach(async () => {
    await db.query(`update orders.orders set status = 'completed'`);
  });

  const command = (body: PlaceOrderCommand): Envelope<PlaceOrderCommand> =>
    envelopeFor(PlaceOrder, body, { subject: body.orderId, correlationid: randomUUID() });

  /** Places the commands in one transaction, counting the statements the placement runs. */
  async function placeTogether(
    commands: readonly Envelope<PlaceOrderCommand>[],
    bound?: InProgressBound,
  ): Promise<{ outcomes: string[]; statements: number }> {
    let statements = 0;
    const placements = await outbox.runEach(
      commands.map((each) => ({ correlationId: each.correlationid, causationId: each.id })),
      (uows) => {
        const counting = (sql: Sql): Sql => ({
          ...sql,
          query: (text, params) => {
            statements++;
            return sql.query(text, params);
          },
        });
        return placeOrders(
          commands.map((each, index) => {
            const uow = uows[index];
            assert.ok(uow);
            return { uow: { ...uow, sql: counting(uow.sql) }, command: each };
          }),
          bound,
        );
      },
    );
    return { outcomes: placements.map(outcomeOf), statements };
  }

  const outcomeOf = (placement: Placement) =>
    placement.outcome === 'failed' ? `failed: ${placement.error.code}` : placement.outcome;

  const storedUnder = (orderId: string) =>
    db.query<{ fingerprint: string; entries: number; placed: number }>(
      `select o.request_fingerprint as fingerprint,
              (select count(*)::int from orders.timeline t where t.correlation_id = o.correlation_id) as entries,
              (select count(*)::int from orders.outbox m
               where m.envelope->>'type' = 'OrderPlaced' and m.envelope->'data'->>'orderId' = $1) as placed
       from orders.orders o where o.order_id = $1::uuid`,
      [orderId],
    );

  it('places the new orders, replays the same request and refuses another body under an id, in three statements', async () => {
    const earlier = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    assert.deepEqual((await placeTogether([command(earlier)])).outcomes, ['placed']);

    const fresh = placeOrderBody([{ productId: randomUUID(), quantity: 2 }]);
    const other = placeOrderBody([{ productId: randomUUID(), quantity: 3 }]);
    const { outcomes, statements } = await placeTogether([
      command(fresh),
      command(earlier),
      command(fresh),
      command({ ...other, orderId: fresh.orderId }),
      command({ ...other, orderId: earlier.orderId }),
      command(other),
    ]);
    assert.deepEqual(outcomes, [
      'placed',
      'replayed',
      'replayed',
      'failed: ORDERS.ID_REUSED',
      'failed: ORDERS.ID_REUSED',
      'placed',
    ]);
    assert.equal(statements, 3, 'the stored orders locked, the new ones inserted, their commands recorded');
    for (const body of [earlier, fresh, other]) {
      const rows = await storedUnder(body.orderId);
      assert.equal(rows.length, 1, `one order ${body.orderId}`);
      assert.deepEqual(
        { entries: rows[0]?.entries, placed: rows[0]?.placed },
        { entries: 1, placed: 1 },
        `order ${body.orderId}: its command on its timeline, its OrderPlaced sent, once each`,
      );
    }
    const [freshRow] = await storedUnder(fresh.orderId);
    const [otherRow] = await storedUnder(other.orderId);
    assert.notEqual(freshRow?.fingerprint, otherRow?.fingerprint, 'each order keeps its own request');
  });

  it('answers an order its rules refuse alone, and places a repeat of its id that they accept', async () => {
    const valid = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const mismatched = { ...valid, payment: { ...valid.payment, amount: valid.payment.amount + 1 } };
    const neighbour = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const { outcomes } = await placeTogether([command(mismatched), command(neighbour), command(valid)]);
    assert.deepEqual(outcomes, ['failed: ORDERS.AMOUNT_MISMATCH', 'placed', 'placed']);
    for (const body of [valid, neighbour]) assert.equal((await storedUnder(body.orderId)).length, 1);
    assert.equal((await storedUnder(valid.orderId))[0]?.placed, 1);
  });

  it('takes as many new orders as the bound has room for, in the order asked, and refuses the rest with their repeats', async () => {
    const inProgress = async () =>
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from orders.orders where status <> all ('{completed,rejected,cancelled}')`,
        )
      )[0]?.n ?? 0;
    assert.equal(await inProgress(), 0);
    const registry = new Registry();
    const bound = new InProgressBound(2, db, registry);
    const bodies = Array.from({ length: 4 }, () =>
      placeOrderBody([{ productId: randomUUID(), quantity: 1 }]),
    );
    const [first, second, third, fourth] = bodies.map(command);
    assert.ok(first && second && third && fourth);
    const { outcomes } = await placeTogether([first, second, first, third, third, fourth], bound);
    assert.deepEqual(outcomes, ['placed', 'placed', 'replayed', 'refused', 'refused', 'refused']);
    assert.equal(await inProgress(), 2);
    const refusals = await registry.getSingleMetricAsString('orders_placements_refused_total');
    assert.match(refusals, /orders_placements_refused_total 3$/m, 'each request refused, the repeat too');

    assert.deepEqual((await placeTogether([fourth], bound)).outcomes, ['refused'], 'no room left');
    await db.query(`update orders.orders set status = 'completed'`);
    assert.deepEqual((await placeTogether([fourth], bound)).outcomes, ['placed'], 'room again');
  });

  it("gives the bound's room to the next request under an id whose first request the rules refuse", async () => {
    const bound = new InProgressBound(1, db, new Registry());
    const valid = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const mismatched = { ...valid, payment: { ...valid.payment, amount: valid.payment.amount + 1 } };
    const later = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const { outcomes } = await placeTogether([command(mismatched), command(valid), command(later)], bound);
    assert.deepEqual(outcomes, ['failed: ORDERS.AMOUNT_MISMATCH', 'placed', 'refused']);
    assert.equal((await storedUnder(later.orderId)).length, 0);
  });
});
