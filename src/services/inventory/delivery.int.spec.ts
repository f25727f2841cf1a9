import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  AddInventory,
  InventoryAdjusted,
  InventoryReservationFailed,
  OrderConfirmed,
  ReserveInventory,
  UpdateInventory,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { envelopeFor, testSource } from '../../../test/support/envelopes.js';
import { confirmation, consumer, id, reservation, inventorySpec } from '../../../test/support/inventory.js';
import { thenDeadLettered, whenDeliveredTwice } from '../../../test/support/service-spec.js';

describeEachEngine('InventoryService: bus commands and delivery guarantees', (open) => {
  const inventory = inventorySpec(open);

  it('applies a message delivered twice only once', async () => {
    await inventory.start();
    const [product, warehouse] = [id(), id()];
    const command = envelopeFor(AddInventory, {
      productId: product,
      warehouseId: warehouse,
      quantity: 7,
      timestamp: new Date().toISOString(),
    });
    await whenDeliveredTwice(inventory.host(), inventory.db(), command);

    assert.deepEqual(await inventory.stockOf(product), { [warehouse]: [7, 0] });
    const adjusted = await inventory.emittedData(InventoryAdjusted);
    assert.equal(adjusted.length, 1);
    assert.equal(adjusted[0]?.adjusted_by, testSource, 'a bus command is adjusted by its source');
    const [inbox] = await inventory.sql<{ count: number }>(
      'select count(*)::int as count from inventory.inbox where idempotency_key = $1',
      [command.idempotencykey],
    );
    assert.equal(inbox?.count, 1);
    await inventory.assertLedgerBalances();
  });

  it('corrects stock from a bus command, and dead-letters one that would take reserved units with the reason', async () => {
    await inventory.start();
    const { product, w1 } = await inventory.stockedProduct(5, 3);
    await inventory.send(ReserveInventory, reservation(id(), [{ productId: product, quantity: 4 }]));
    const timestamp = new Date().toISOString();

    await inventory.send(UpdateInventory, {
      productId: product,
      warehouseId: w1,
      quantityChange: 2,
      timestamp,
    });
    const refused = await inventory.send(UpdateInventory, {
      productId: product,
      warehouseId: w1,
      quantityChange: -4,
      timestamp,
    });

    assert.deepEqual((await inventory.stockOf(product))[w1], [7, 4]);
    await thenDeadLettered(inventory.db(), 'inventory', refused, {
      consumer: consumer('update-inventory'),
      reason: /^rejected: INVENTORY.BELOW_RESERVED: .*would leave 3 on hand, below the 4 reserved/,
    });
    await inventory.assertLedgerBalances();
  });

  it('dead-letters a message whose payload breaks its contract, with the reason, and changes nothing', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const before = await inventory.levels();
    const order = id();
    const invalid = await inventory.send(
      ReserveInventory,
      reservation(order, [{ productId: product, quantity: 1 }]),
      {
        data: {
          orderId: order,
          lines: [{ productId: product, quantity: 0 }],
          timestamp: new Date().toISOString(),
        },
      },
    );

    await thenDeadLettered(inventory.db(), 'inventory', invalid, {
      consumer: consumer('reserve-inventory'),
      reason: /^invalid ReserveInventory payload: \/lines\/0\/quantity must be >= 1/,
    });
    assert.deepEqual(await inventory.levels(), before);
    assert.equal(await inventory.allocationOf(order), undefined);
    assert.deepEqual(await inventory.emitted(InventoryReservationFailed), []);
  });

  it('dead-letters a message of a version outside the accepted range, with the reason, and changes nothing', async () => {
    await inventory.start();
    const { product } = await inventory.stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];
    await inventory.send(ReserveInventory, reservation(order, lines));
    const before = await inventory.levels();

    const newer = await inventory.send(OrderConfirmed, confirmation(order, lines), { dataversion: '0.1.0' });

    await thenDeadLettered(inventory.db(), 'inventory', newer, {
      consumer: consumer('fulfil-order'),
      reason: 'OrderConfirmed version 0.1.0 is outside the accepted range 0.0.1 and no upcaster reads it',
    });
    assert.deepEqual(await inventory.levels(), before);
    assert.equal((await inventory.allocationOf(order))?.state, 'reserved');
  });
});
