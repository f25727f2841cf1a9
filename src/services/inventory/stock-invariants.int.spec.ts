import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InventoryReservationFailed, InventoryReserved, ReserveInventory } from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import { id, reservation, inventorySpec } from '../../../test/support/inventory.js';

describeEachEngine('InventoryService: stock invariants under concurrency', (open) => {
  const inventory = inventorySpec(open);

  it('lets the database itself refuse a level holding more than is on hand, or less than nothing', async () => {
    await inventory.start();
    const { product, w1 } = await inventory.stockedProduct(5, 3);
    const violation = (constraint: string) => (error: unknown) =>
      error instanceof Error && error.message.includes(constraint);
    await assert.rejects(
      inventory.sql('update inventory.stock set reserved = 6 where product_id = $1 and warehouse_id = $2', [
        product,
        w1,
      ]),
      violation('stock_reserved_within_on_hand'),
    );
    await assert.rejects(
      inventory.sql('update inventory.stock set on_hand = -1, reserved = -2 where product_id = $1', [
        product,
      ]),
      violation('stock_'),
    );
    await assert.rejects(
      inventory.sql(`insert into inventory.order_allocations (order_id, state) values ($1, 'pending')`, [
        id(),
      ]),
      violation('order_allocations_state_check'),
    );
  });

  it('never oversells: 200 concurrent reservations for 50 units each get exactly one outcome and hold at most 50', async () => {
    // On PostgreSQL the handlers run concurrently on several connections; PGlite has one connection.
    await inventory.start({ CONSUMER_MAX_IN_FLIGHT: '16' });
    const product = id();
    const [w1, w2] = [id(), id()];
    await inventory.addStock(product, w1, 30);
    await inventory.addStock(product, w2, 20);
    const orders = Array.from({ length: 200 }, (_, index) => ({ orderId: id(), quantity: (index % 3) + 1 }));

    await inventory.host().bus.publish(
      orders.map(({ orderId, quantity }) => ({
        channel: ReserveInventory.channel,
        envelope: envelopeFor(ReserveInventory, reservation(orderId, [{ productId: product, quantity }])),
      })),
    );
    await inventory.host().settled(120_000);

    const requested = new Map(orders.map((order) => [order.orderId, order.quantity]));
    const reserved = await inventory.emittedData(InventoryReserved);
    const failed = await inventory.emittedData(InventoryReservationFailed);
    const outcomes = [...reserved, ...failed].map((event) => event.orderId).sort();
    assert.deepEqual(outcomes, [...requested.keys()].sort(), 'every order got exactly one outcome');

    const heldByEvents = reserved
      .flatMap((event) => event.allocations)
      .reduce((sum, allocation) => sum + allocation.quantity, 0);
    for (const event of reserved) {
      assert.equal(
        event.allocations.reduce((sum, allocation) => sum + allocation.quantity, 0),
        requested.get(event.orderId),
        'an order is held in full',
      );
    }
    const final = await inventory.levels(product);
    const heldInStock = final.reduce((sum, l) => sum + l.reserved, 0);
    assert.equal(heldInStock, heldByEvents);
    assert.ok(heldInStock <= 50, `held ${heldInStock} of 50`);
    for (const l of final) {
      assert.ok(l.reserved >= 0 && l.reserved <= l.onHand, JSON.stringify(l));
    }
    assert.deepEqual(
      final.map((l) => l.onHand).sort(),
      [20, 30],
      'reservations do not change what is on hand',
    );

    // Availability only shrinks here, so every refused order asked for more than is left now.
    const left = 50 - heldInStock;
    for (const event of failed) {
      assert.equal(event.reason, 'insufficient_stock');
      assert.ok(
        requested.get(event.orderId)! > left,
        `refused ${requested.get(event.orderId)} with ${left} left`,
      );
    }
    assert.ok(reserved.length > 0 && failed.length > 0);

    const states = await inventory.sql<{ state: string; count: number }>(
      'select state, count(*)::int as count from inventory.order_allocations group by state order by state',
    );
    assert.deepEqual(states, [
      { state: 'refused', count: failed.length },
      { state: 'reserved', count: reserved.length },
    ]);
    assert.deepEqual(await inventory.deadLetters(), []);
    await inventory.assertLedgerBalances();
  });
});
