import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { OrderCancelled, OrderConfirmed, ReserveInventory, type Envelope } from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import type { TestHost } from '../../../test/support/host.js';
import { cancellation, confirmation, id, reservation } from '../../../test/support/inventory.js';
import {
  deadlocksSoFar,
  deliverAcrossReplicas,
  randomLines,
  startReplicas,
} from '../../../test/support/replicas.js';
import { deadLettersOf } from '../../../test/support/service-spec.js';
import { inventoryService } from './index.js';

const replicas = 3;
const products = Array.from({ length: 12 }, id);
const warehouses = [id(), id()];
const unitsPerLevel = 25;
const orderCount = 400;

describeEachEngine('InventoryService: concurrent overlapping batches on several replicas', (open, engine) => {
  let database: TestDatabase;
  let hosts: TestHost[] = [];

  before(async () => {
    database = await open();
    hosts = await startReplicas(database, [inventoryService], replicas);
  });

  after(async () => {
    for (const host of hosts) await host.stop();
    await database.dispose();
  });

  const sql = <Row>(text: string, params?: unknown[]) => database.db.query<Row>(text, params);

  /** The envelopes dealt over the replicas one by one. */
  const dealt = (envelopes: readonly Envelope[]) =>
    deliverAcrossReplicas(
      hosts,
      hosts.map((_, replica) =>
        envelopes
          .filter((_, index) => index % replicas === replica)
          .map((envelope) => ({ channel: channelOf(envelope), envelope })),
      ),
    );

  it('reserves, confirms and cancels without a deadlock, an oversell or a message applied twice', async () => {
    for (const productId of products)
      for (const warehouseId of warehouses) {
        const added = await hosts[0]?.inject({
          method: 'POST',
          url: '/inventory/add',
          payload: { productId, warehouseId, quantity: unitsPerLevel, timestamp: new Date().toISOString() },
        });
        assert.equal(added?.statusCode, 200, added?.body);
      }
    const deadlocksBefore = engine === 'postgres' ? await deadlocksSoFar(database) : 0;

    const orders = Array.from({ length: orderCount }, () => ({
      orderId: id(),
      lines: randomLines(products),
    }));
    await dealt(
      orders.map(({ orderId, lines }) => envelopeFor(ReserveInventory, reservation(orderId, lines))),
    );
    const states = await sql<{ orderId: string; state: string }>(
      `select order_id as "orderId", state from inventory.order_allocations where order_id = any ($1::uuid[])`,
      [orders.map((order) => order.orderId)],
    );
    assert.equal(states.length, orderCount, 'every reservation was handled');
    const reserved = new Set(states.filter((row) => row.state === 'reserved').map((row) => row.orderId));
    assert.ok(reserved.size > 0 && reserved.size < orderCount, `${reserved.size} reserved: stock ran short`);

    // Half of all orders confirmed, the other half cancelled, all at once.
    await dealt(
      orders.map(({ orderId, lines }, index) =>
        index % 2 === 0 && reserved.has(orderId)
          ? envelopeFor(OrderConfirmed, confirmation(orderId, lines))
          : envelopeFor(OrderCancelled, cancellation(orderId, lines)),
      ),
    );

    assert.deepEqual(await deadLettersOf(database.db, 'inventory'), []);
    const levels = await sql<{ onHand: number; reserved: number }>(
      'select on_hand as "onHand", reserved from inventory.stock',
    );
    assert.equal(levels.length, products.length * warehouses.length);
    assert.deepEqual(
      levels.filter((level) => level.onHand < 0 || level.reserved !== 0),
      [],
      'nothing is left reserved and nothing went below zero',
    );
    const [fulfilled = { units: 0, orders: 0 }] = await sql<{ units: number; orders: number }>(
      `select coalesce(sum((line->>'quantity')::int), 0)::int as units, count(distinct order_id)::int as orders
       from inventory.order_allocations, jsonb_array_elements(allocations) as line where state = 'deducted'`,
    );
    const shipped = orders.filter(({ orderId }, index) => index % 2 === 0 && reserved.has(orderId));
    assert.equal(fulfilled.orders, shipped.length);
    const onHand = levels.reduce((sum, level) => sum + level.onHand, 0);
    assert.equal(onHand + fulfilled.units, products.length * warehouses.length * unitsPerLevel);
    const [unbalanced = { n: -1 }] = await sql<{ n: number }>(
      `select count(*)::int as n from inventory.stock s
       join (select product_id, warehouse_id, sum(on_hand_delta) as on_hand, sum(reserved_delta) as reserved
             from inventory.movements group by product_id, warehouse_id) l using (product_id, warehouse_id)
       where s.on_hand <> l.on_hand or s.reserved <> l.reserved`,
    );
    assert.equal(unbalanced.n, 0, 'the ledger sums to the levels');

    if (engine === 'postgres') {
      // A backend reports its deadlocks to the statistics once idle for a moment.
      await sleep(2_000);
      assert.equal((await deadlocksSoFar(database)) - deadlocksBefore, 0, 'deadlocks detected by PostgreSQL');
    }
  });
});

const channelOf = (envelope: Envelope): string =>
  ({
    [ReserveInventory.id]: ReserveInventory,
    [OrderConfirmed.id]: OrderConfirmed,
    [OrderCancelled.id]: OrderCancelled,
  })[envelope.type]?.channel ?? assert.fail(`no channel for ${envelope.type}`);
