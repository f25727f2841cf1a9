import assert from 'node:assert/strict';
import { it } from 'node:test';
import { InventoryAdjusted, OutOfStock, ReserveInventory } from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { id, reservation, inventorySpec } from '../../../test/support/inventory.js';
import { thenProblem } from '../../../test/support/service-spec.js';

describeEachEngine('InventoryService: stock over HTTP', (open) => {
  const inventory = inventorySpec(open);

  it('adds units over HTTP, answering the stock per warehouse and in total, and announces each addition', async () => {
    await inventory.start();
    const [product, w1, w2] = [id(), id(), id()];

    const first = await inventory.host().inject({
      method: 'POST',
      url: '/inventory/add',
      payload: { productId: product, warehouseId: w1, quantity: 10, timestamp: new Date().toISOString() },
    });
    assert.equal(first.statusCode, 200, first.body);
    await inventory.addStock(product, w2, 4);
    await inventory.addStock(product, w1, 1);

    const got = await inventory.host().inject({ method: 'GET', url: `/inventory/${product}` });
    assert.equal(got.statusCode, 200);
    const [low, high] = [w1, w2].sort();
    const byId = {
      [w1]: { onHand: 11, reserved: 0, available: 11 },
      [w2]: { onHand: 4, reserved: 0, available: 4 },
    };
    assert.deepEqual(got.json(), {
      productId: product,
      warehouses: [
        { warehouseId: low, ...byId[low!] },
        { warehouseId: high, ...byId[high!] },
      ],
      totals: { onHand: 15, reserved: 0, available: 15 },
    });
    assert.deepEqual(first.json(), {
      productId: product,
      warehouses: [{ warehouseId: w1, onHand: 10, reserved: 0, available: 10 }],
      totals: { onHand: 10, reserved: 0, available: 10 },
    });

    await inventory.host().settled();
    const adjusted = await inventory.emitted(InventoryAdjusted);
    assert.deepEqual(
      adjusted.map(({ data }) => [
        data.warehouse_id,
        data.adjusted_quantity,
        data.new_quantity,
        data.available_quantity,
      ]),
      [
        [w1, 10, 10, 10],
        [w2, 4, 4, 4],
        [w1, 1, 11, 11],
      ],
    );
    for (const envelope of adjusted) {
      assert.equal(envelope.id, envelope.data.event_id, 'event_id is the envelope id');
      assert.equal(envelope.data.adjustment_reason, 'restock');
      assert.equal(envelope.data.adjusted_by, 'http');
      assert.equal(envelope.data.order_id, undefined);
    }
    await inventory.assertLedgerBalances();
  });

  it('corrects units over HTTP up and down, announcing each correction as a manual update', async () => {
    await inventory.start();
    const { product, w1 } = await inventory.stockedProduct(5, 3);

    const up = await inventory.host().inject({
      method: 'POST',
      url: '/inventory/update',
      payload: {
        productId: product,
        warehouseId: w1,
        quantityChange: 4,
        timestamp: new Date().toISOString(),
      },
    });
    assert.equal(up.statusCode, 200, up.body);
    const down = await inventory.host().inject({
      method: 'POST',
      url: '/inventory/update',
      payload: {
        productId: product,
        warehouseId: w1,
        quantityChange: -6,
        timestamp: new Date().toISOString(),
      },
    });
    assert.equal(down.statusCode, 200, down.body);
    assert.deepEqual(down.json<{ totals: unknown }>().totals, { onHand: 6, reserved: 0, available: 6 });

    await inventory.host().settled();
    const manual = (await inventory.emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'manual_update',
    );
    assert.deepEqual(
      manual.map((e) => [e.adjusted_quantity, e.new_quantity, e.available_quantity, e.adjusted_by]),
      [
        [4, 9, 9, 'http'],
        [-6, 3, 3, 'http'],
      ],
    );
    assert.deepEqual(await inventory.emitted(OutOfStock), [], 'units are left over the warehouses');
    await inventory.assertLedgerBalances();
  });

  it('announces OutOfStock when a correction takes the last available units of a product', async () => {
    await inventory.start();
    const { product, w1, w2 } = await inventory.stockedProduct(5, 3);
    for (const [warehouseId, quantityChange] of [
      [w1, -5],
      [w2, -3],
    ] as const) {
      const response = await inventory.host().inject({
        method: 'POST',
        url: '/inventory/update',
        payload: { productId: product, warehouseId, quantityChange, timestamp: new Date().toISOString() },
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    await inventory.host().settled();
    const outOfStock = await inventory.emittedData(OutOfStock);
    assert.equal(outOfStock.length, 1, 'only when the total reaches 0');
    assert.deepEqual(
      { ...outOfStock[0], timestamp: undefined },
      { productId: product, availableQuantity: 0, timestamp: undefined },
    );
  });

  it('refuses with 409 INVENTORY.BELOW_RESERVED to remove units held for orders, naming the numbers', async () => {
    await inventory.start();
    const product = id();
    const warehouse = id();
    await inventory.addStock(product, warehouse, 10);
    await inventory.send(ReserveInventory, reservation(id(), [{ productId: product, quantity: 8 }]));

    const response = await inventory.host().inject({
      method: 'POST',
      url: '/inventory/update',
      payload: {
        productId: product,
        warehouseId: warehouse,
        quantityChange: -5,
        timestamp: new Date().toISOString(),
      },
    });

    const problem = thenProblem(response, 409, 'INVENTORY.BELOW_RESERVED');
    assert.match(problem.detail, /by -5 would leave 5 on hand, below the 8 reserved/);
    assert.deepEqual(await inventory.stockOf(product), { [warehouse]: [10, 8] });
    assert.equal(
      (await inventory.emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'manual_update')
        .length,
      0,
    );
  });

  it('refuses with 409 INVENTORY.WOULD_GO_NEGATIVE to remove more than is on hand, or from a level it does not know', async () => {
    await inventory.start();
    const { product, w1 } = await inventory.stockedProduct(5, 3);
    const update = (productId: string, warehouseId: string, quantityChange: number) =>
      inventory.host().inject({
        method: 'POST',
        url: '/inventory/update',
        payload: { productId, warehouseId, quantityChange, timestamp: new Date().toISOString() },
      });

    const tooMany = await update(product, w1, -6);
    const problem = thenProblem(tooMany, 409, 'INVENTORY.WOULD_GO_NEGATIVE');
    assert.match(problem.detail, /by -6 would leave -1 on hand/);

    const unknownProduct = id();
    const unknown = await update(unknownProduct, w1, -1);
    thenProblem(unknown, 409, 'INVENTORY.WOULD_GO_NEGATIVE');
    assert.deepEqual(await inventory.levels(unknownProduct), [], 'no level was created for it');
    assert.equal(
      (await inventory.host().inject({ method: 'GET', url: `/inventory/${unknownProduct}` })).statusCode,
      404,
    );
  });

  it('answers 400 problem+json naming the field for a body that breaks the command schema, and changes nothing', async () => {
    await inventory.start();
    const product = id();
    const valid = { productId: product, warehouseId: id(), quantity: 3, timestamp: new Date().toISOString() };
    const cases: [string, Record<string, unknown>, string][] = [
      ['/inventory/add', { ...valid, quantity: 0 }, '/quantity'],
      ['/inventory/add', { ...valid, quantity: 1.5 }, '/quantity'],
      ['/inventory/add', { ...valid, productId: 'not-a-uuid' }, '/productId'],
      ['/inventory/add', { ...valid, extra: true }, '/extra'],
      ['/inventory/add', { productId: product, quantity: 3, timestamp: valid.timestamp }, '/warehouseId'],
      ['/inventory/update', { ...valid, quantity: undefined, quantityChange: 0 }, '/quantityChange'],
    ];
    for (const [url, payload, field] of cases) {
      const response = await inventory.host().inject({ method: 'POST', url, payload });
      const { errors = [] } = thenProblem(response, 400, 'REQUEST.INVALID');
      assert.ok(
        errors.some((error) => error.field === field && error.location === 'body'),
        `${field} in ${JSON.stringify(errors)} for ${url} ${JSON.stringify(payload)}`,
      );
    }
    const malformed = await inventory.host().inject({
      method: 'POST',
      url: '/inventory/add',
      headers: { 'content-type': 'application/json' },
      payload: '{"productId":',
    });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(await inventory.levels(), []);
  });

  it('answers 404 INVENTORY.UNKNOWN_PRODUCT for a product it holds no stock of, and 400 for an id that is no uuid', async () => {
    await inventory.start();
    const unknown = await inventory.host().inject({ method: 'GET', url: `/inventory/${id()}` });
    thenProblem(unknown, 404, 'INVENTORY.UNKNOWN_PRODUCT');

    const invalid = await inventory.host().inject({ method: 'GET', url: '/inventory/not-a-uuid' });
    thenProblem(invalid, 400, 'REQUEST.INVALID');
  });

  it('documents the routes in OpenAPI under the inventory tag', async () => {
    await inventory.start();
    const spec = (await inventory.host().inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { tags: string[]; summary: string; responses: Record<string, unknown> }>
      >;
    }>();
    for (const [path, method, statuses] of [
      ['/inventory/add', 'post', ['200', '400', '401', '403']],
      ['/inventory/update', 'post', ['200', '400', '401', '403', '409']],
      ['/inventory/{productId}', 'get', ['200', '400', '401', '403', '404']],
    ] as const) {
      const operation = spec.paths[path]?.[method];
      assert.ok(operation, `${method} ${path}`);
      assert.deepEqual(operation.tags, ['inventory']);
      assert.ok(operation.summary);
      assert.deepEqual(Object.keys(operation.responses).sort(), [...statuses]);
    }
  });
});
