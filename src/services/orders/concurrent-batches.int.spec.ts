import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import {
  InventoryAdjusted,
  InventoryReserved,
  PaymentProcessed,
  type MessageContract,
  type PayloadOf,
} from '../../../contracts/index.js';
import type { OutgoingMessage } from '../../platform/messaging/bus.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { messageFor } from '../../../test/support/envelopes.js';
import type { TestHost } from '../../../test/support/host.js';
import { placeOrderBody, type Line } from '../../../test/support/orders.js';
import {
  deadlocksSoFar,
  deliverAcrossReplicas,
  randomLines,
  startReplicas,
} from '../../../test/support/replicas.js';
import { deadLettersOf } from '../../../test/support/service-spec.js';
import { ordersService } from './index.js';

const replicas = 3;
const products = Array.from({ length: 8 }, () => randomUUID());
const warehouseId = randomUUID();
const orderCount = 150;

interface PlacedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: number;
  readonly lines: readonly Line[];
}

describeEachEngine('OrdersService: concurrent overlapping batches on several replicas', (open, engine) => {
  let database: TestDatabase;
  let hosts: TestHost[] = [];

  before(async () => {
    database = await open();
    hosts = await startReplicas(database, [ordersService], replicas);
  });

  after(async () => {
    for (const host of hosts) await host.stop();
    await database.dispose();
  });

  const sql = <Row>(text: string, params?: unknown[]) => database.db.query<Row>(text, params);

  /** Spreads the messages over the replicas one by one. */
  const dealt = (messages: readonly OutgoingMessage[]) =>
    Array.from({ length: replicas }, (_, replica) =>
      messages.filter((_, index) => index % replicas === replica),
    );

  const message = <C extends MessageContract>(contract: C, payload: PayloadOf<C>) =>
    messageFor(contract, payload);

  it('applies every line deducted, several to one order in a batch, and requests each capture once, without a deadlock', async () => {
    const orders: PlacedOrder[] = [];
    for (let index = 0; index < orderCount; index++) {
      const body = placeOrderBody(randomLines(products));
      const placed = await hosts[index % replicas]?.inject({ method: 'POST', url: '/orders', payload: body });
      assert.equal(placed?.statusCode, 202, placed?.body);
      orders.push({
        orderId: body.orderId,
        customerId: body.customer.customerId,
        amount: body.payment.amount,
        lines: body.items.map((item) => ({ productId: item.itemId, quantity: item.quantity })),
      });
    }
    const deadlocksBefore = engine === 'postgres' ? await deadlocksSoFar(database) : 0;

    await deliverAcrossReplicas(
      hosts,
      dealt(
        orders.map(({ orderId, lines }) =>
          message(InventoryReserved, {
            orderId,
            reservationId: randomUUID(),
            allocations: lines.map(({ productId, quantity }) => ({ productId, warehouseId, quantity })),
            timestamp: new Date().toISOString(),
          }),
        ),
      ),
    );
    await deliverAcrossReplicas(
      hosts,
      dealt(
        orders.map(({ orderId, customerId, amount }) =>
          message(PaymentProcessed, {
            ...PaymentProcessed.example,
            transactionId: randomUUID(),
            orderId,
            userId: customerId,
            amount,
          }),
        ),
      ),
    );
    const confirmed = await sql<{ n: number }>(
      "select count(*)::int as n from orders.orders where status = 'confirmed' and order_id = any ($1::uuid[])",
      [orders.map((order) => order.orderId)],
    );
    assert.equal(confirmed[0]?.n, orderCount, 'every order confirmed before its stock leaves');

    // Every line of an even order goes out from one replica, so its lines meet in one batch; the
    // lines of an odd order are dealt over the replicas, so batches of several replicas lock it.
    const deductions = orders.map(({ orderId, lines }) =>
      lines.map(({ productId, quantity }) =>
        message(InventoryAdjusted, {
          ...InventoryAdjusted.example,
          event_id: randomUUID(),
          product_id: productId,
          warehouse_id: warehouseId,
          adjusted_quantity: -quantity,
          adjustment_reason: 'order_fulfilled',
          adjusted_by: `order:${orderId}`,
          order_id: orderId,
        }),
      ),
    );
    const shares: OutgoingMessage[][] = Array.from({ length: replicas }, () => []);
    deductions.forEach((lines, index) => {
      if (index % 2 === 0) shares[index % replicas]?.push(...lines);
      else lines.forEach((line, lineIndex) => shares[lineIndex % replicas]?.push(line));
    });
    await deliverAcrossReplicas(hosts, shares);

    assert.deepEqual(await deadLettersOf(database.db, 'orders'), []);
    const stored = await sql<{ orderId: string; deducted: Record<string, number>; paymentState: string }>(
      `select order_id as "orderId", state->'deducted' as deducted, state->>'paymentState' as "paymentState"
       from orders.orders where order_id = any ($1::uuid[])`,
      [orders.map((order) => order.orderId)],
    );
    const byId = new Map(stored.map((row) => [row.orderId, row]));
    for (const { orderId, lines } of orders) {
      const row = byId.get(orderId);
      assert.ok(row, `order ${orderId} stored`);
      assert.deepEqual(
        row.deducted,
        Object.fromEntries(lines.map((line) => [line.productId, line.quantity])),
        `every line of ${orderId} counted once`,
      );
      assert.equal(row.paymentState, 'capture_requested');
    }
    const captures = await sql<{ orderId: string; requests: number }>(
      `select envelope->'data'->>'orderId' as "orderId", count(*)::int as requests
       from bus.messages where envelope->>'type' = 'CapturePayment' group by 1`,
    );
    assert.equal(captures.length, orderCount, 'a capture requested for every order');
    assert.deepEqual(
      captures.filter((capture) => capture.requests !== 1),
      [],
      'no capture requested twice',
    );

    if (engine === 'postgres') {
      // A backend reports its deadlocks to the statistics once idle for a moment.
      await sleep(2_000);
      assert.equal((await deadlocksSoFar(database)) - deadlocksBefore, 0, 'deadlocks detected by PostgreSQL');
    }
  });
});
