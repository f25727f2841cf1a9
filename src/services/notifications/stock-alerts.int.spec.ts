import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { InventoryAdjusted, OutOfStock, type PayloadOf } from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { ALERTS, notificationSpec } from '../../../test/support/notifications.js';

describeEachEngine('NotificationService: stock alerts', (open) => {
  const { smtp, start, publish, dispatched, notifications } = notificationSpec(open);

  it('alerts the inventory team when a product is out of stock', async () => {
    await start();
    const productId = randomUUID();
    const orderId = randomUUID();
    await publish(OutOfStock, {
      productId,
      availableQuantity: 0,
      requestedQuantity: 4,
      orderId,
      timestamp: new Date().toISOString(),
    });

    const [email] = await smtp().waitForMessages(1);
    await dispatched();

    assert.deepEqual(email?.to, [ALERTS]);
    assert.equal(email.subject, `Out of stock: product ${productId}`);
    assert.match(email.text, /Requested: 4/);
    const [row] = await notifications();
    assert.equal(row?.type, 'out_of_stock_alert');
    assert.equal(row.recipient, ALERTS);
    assert.equal(row.status, 'sent');
  });

  it('alerts that a product is back in stock only when new stock makes some available where none was', async () => {
    await start();
    const warehouseId = randomUUID();
    const restocked = randomUUID();
    const corrected = randomUUID();
    const adjust = (
      productId: string,
      change: number,
      available: number,
      reason: PayloadOf<typeof InventoryAdjusted>['adjustment_reason'],
    ) => {
      const id = randomUUID();
      return publish(
        InventoryAdjusted,
        {
          event_id: id,
          timestamp: new Date().toISOString(),
          product_id: productId,
          warehouse_id: warehouseId,
          adjusted_quantity: change,
          new_quantity: Math.max(available, 0),
          available_quantity: available,
          adjustment_reason: reason,
          adjusted_by: 'test',
        },
        { id },
      );
    };

    await adjust(restocked, 5, 5, 'restock'); // 0 -> 5: alert
    await adjust(restocked, 5, 10, 'restock'); // 5 -> 10: was available already
    await adjust(randomUUID(), 2, 2, 'order_cancelled'); // 0 -> 2, but units given back, not new stock
    await adjust(corrected, 3, 3, 'manual_update'); // 0 -> 3: alert
    await adjust(corrected, -3, 0, 'manual_update'); // 3 -> 0: nothing available

    await smtp().waitForMessages(2);
    await dispatched();

    assert.equal(smtp().received.length, 2);
    assert.deepEqual(
      smtp().received.map((email) => email.to),
      [[ALERTS], [ALERTS]],
    );
    assert.deepEqual(
      smtp()
        .received.map((email) => email.subject)
        .sort(),
      [
        `Back in stock: product ${corrected} in warehouse ${warehouseId}`,
        `Back in stock: product ${restocked} in warehouse ${warehouseId}`,
      ].sort(),
    );
    const rows = await notifications();
    assert.deepEqual(
      rows.map((row) => row.type),
      ['back_in_stock_alert', 'back_in_stock_alert'],
    );
  });
});
