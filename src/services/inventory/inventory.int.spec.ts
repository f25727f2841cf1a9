import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, it } from 'node:test';
import {
  AddInventory,
  InventoryAdjusted,
  InventoryAmendmentApplied,
  InventoryAmendmentRejected,
  InventoryReleased,
  InventoryReservationFailed,
  InventoryReserved,
  OrderAmended,
  OrderCancelled,
  OrderConfirmed,
  OutOfStock,
  ReserveInventory,
  UpdateInventory,
  type Envelope,
  type MessageContract,
  type PayloadOf,
} from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { envelopeFor, testSource } from '../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { publishedBy } from '../../../test/support/published.js';
import { inventoryService } from './index.js';

const id = (): string => randomUUID();
const consumer = (name: string) => `InventoryService-${name}`;

interface Line {
  productId: string;
  quantity: number;
}
interface Level {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}
interface StockLine {
  productId: string;
  warehouseId: string;
  quantity: number;
}

// Payloads as the other services send them.
const reservation = (orderId: string, lines: Line[]): PayloadOf<typeof ReserveInventory> => ({
  orderId,
  lines,
  timestamp: new Date().toISOString(),
});
const orderItems = (lines: Line[]) =>
  lines.map(({ productId, quantity }) => ({
    productId,
    productName: 'Gear',
    quantity,
    unitPrice: 2,
    totalPrice: 2 * quantity,
  }));
const confirmation = (orderId: string, lines: Line[]): PayloadOf<typeof OrderConfirmed> => ({
  orderId,
  userId: id(),
  orderItems: orderItems(lines),
  orderStatus: 'confirmed',
  totalAmount: 10,
  confirmationTimestamp: new Date().toISOString(),
});
const cancellation = (orderId: string, lines: Line[]): PayloadOf<typeof OrderCancelled> => ({
  orderId,
  userId: id(),
  orderItems: orderItems(lines),
  orderStatus: 'cancelled',
  totalAmount: 10,
  timestamp: new Date().toISOString(),
});
const amendment = (
  orderId: string,
  changes: { productId: string; oldQuantity: number; newQuantity: number }[],
): PayloadOf<typeof OrderAmended> => ({
  orderId,
  userId: id(),
  amendedItems: changes.map((change) => ({
    ...change,
    productName: 'Gear',
    unitPrice: 2,
    totalPrice: 2 * change.newQuantity,
  })),
  orderStatus: 'confirmed',
  totalAmount: 10,
  timestamp: new Date().toISOString(),
});

describeEachEngine('InventoryService', (open) => {
  let database: TestDatabase;
  let testHost: TestHost | undefined;

  beforeEach(async () => {
    database = await open();
  });
  afterEach(async () => {
    await testHost?.stop();
    testHost = undefined;
    await database.dispose();
  });

  async function start(env: Record<string, string> = {}): Promise<TestHost> {
    testHost = await startTestHost({ db: database.db, modules: [inventoryService], env });
    return testHost;
  }

  function host(): TestHost {
    assert.ok(testHost, 'start the host first');
    return testHost;
  }

  const sql = <Row>(text: string, params?: unknown[]) => database.db.query<Row>(text, params);

  /** Publishes the envelopes as a producer would, and waits until everything they caused has settled. */
  async function deliver(...envelopes: Envelope[]): Promise<void> {
    await host().bus.publish(envelopes.map((envelope) => ({ channel: channelOf(envelope.type), envelope })));
    await host().settled();
  }

  async function send<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    overrides: Partial<Envelope> = {},
  ): Promise<Envelope<PayloadOf<C>>> {
    const envelope = envelopeFor(contract, payload, overrides);
    await deliver(envelope);
    return envelope;
  }

  const channels = new Map<string, string>(
    [AddInventory, UpdateInventory, ReserveInventory, OrderConfirmed, OrderCancelled, OrderAmended].map(
      (contract) => [contract.id, contract.channel],
    ),
  );
  function channelOf(type: string): string {
    const channel = channels.get(type);
    assert.ok(channel, `no channel known for ${type}`);
    return channel;
  }

  async function addStock(productId: string, warehouseId: string, quantity: number): Promise<void> {
    const response = await host().inject({
      method: 'POST',
      url: '/inventory/add',
      payload: { productId, warehouseId, quantity, timestamp: new Date().toISOString() },
    });
    assert.equal(response.statusCode, 200, response.body);
  }

  /** The envelopes the service emitted, in commit order. */
  const emitted = <C extends MessageContract>(contract: C) =>
    publishedBy(database.db, 'InventoryService', contract);
  const emittedData = async <C extends MessageContract>(contract: C) =>
    (await emitted(contract)).map((envelope) => envelope.data);

  async function levels(productId?: string): Promise<Level[]> {
    return sql<Level>(
      `select product_id as "productId", warehouse_id as "warehouseId", on_hand as "onHand", reserved
       from inventory.stock where $1::uuid is null or product_id = $1 order by product_id, warehouse_id`,
      [productId ?? null],
    );
  }
  /** A product's levels as `{ [warehouseId]: [onHand, reserved] }`, whatever order the warehouses sort in. */
  async function stockOf(productId: string): Promise<Record<string, [number, number]>> {
    const rows = await levels(productId);
    return Object.fromEntries(rows.map((row) => [row.warehouseId, [row.onHand, row.reserved]]));
  }

  async function allocationOf(orderId: string) {
    const [row] = await sql<{ state: string; reservationId: string | null; allocations: StockLine[] }>(
      `select state, reservation_id as "reservationId", allocations from inventory.order_allocations where order_id = $1`,
      [orderId],
    );
    return row;
  }

  async function deadLetters() {
    return sql<{ consumer: string; messageId: string; reason: string }>(
      `select consumer, message_id as "messageId", reason from inventory.dead_letters order by id`,
    );
  }

  /** Per level, the movements sum to what is on hand and reserved: the arithmetic can be audited. */
  async function assertLedgerBalances(): Promise<void> {
    const unbalanced = await sql(
      `with ledger as (
         select product_id, warehouse_id, sum(on_hand_delta)::int as on_hand, sum(reserved_delta)::int as reserved
         from inventory.movements group by product_id, warehouse_id
       )
       select s.product_id, s.warehouse_id, s.on_hand, s.reserved, l.on_hand as ledger_on_hand, l.reserved as ledger_reserved
       from inventory.stock s full join ledger l using (product_id, warehouse_id)
       where coalesce(s.on_hand, 0) <> coalesce(l.on_hand, 0) or coalesce(s.reserved, 0) <> coalesce(l.reserved, 0)`,
    );
    assert.deepEqual(unbalanced, []);
  }

  /** A product stocked in two warehouses, W1 holding more than W2. */
  async function stockedProduct(inW1 = 5, inW2 = 3) {
    const product = id();
    const [w1, w2] = [id(), id()];
    await addStock(product, w1, inW1);
    await addStock(product, w2, inW2);
    return { product, w1, w2 };
  }

  // ---------------------------------------------------------------- HTTP

  it('adds units over HTTP, answering the stock per warehouse and in total, and announces each addition', async () => {
    await start();
    const [product, w1, w2] = [id(), id(), id()];

    const first = await host().inject({
      method: 'POST',
      url: '/inventory/add',
      payload: { productId: product, warehouseId: w1, quantity: 10, timestamp: new Date().toISOString() },
    });
    assert.equal(first.statusCode, 200, first.body);
    await addStock(product, w2, 4);
    await addStock(product, w1, 1);

    const got = await host().inject({ method: 'GET', url: `/inventory/${product}` });
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

    await host().settled();
    const adjusted = await emitted(InventoryAdjusted);
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
    await assertLedgerBalances();
  });

  it('corrects units over HTTP up and down, announcing each correction as a manual update', async () => {
    await start();
    const { product, w1 } = await stockedProduct(5, 3);

    const up = await host().inject({
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
    const down = await host().inject({
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

    await host().settled();
    const manual = (await emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'manual_update',
    );
    assert.deepEqual(
      manual.map((e) => [e.adjusted_quantity, e.new_quantity, e.available_quantity, e.adjusted_by]),
      [
        [4, 9, 9, 'http'],
        [-6, 3, 3, 'http'],
      ],
    );
    assert.deepEqual(await emitted(OutOfStock), [], 'units are left over the warehouses');
    await assertLedgerBalances();
  });

  it('announces OutOfStock when a correction takes the last available units of a product', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    for (const [warehouseId, quantityChange] of [
      [w1, -5],
      [w2, -3],
    ] as const) {
      const response = await host().inject({
        method: 'POST',
        url: '/inventory/update',
        payload: { productId: product, warehouseId, quantityChange, timestamp: new Date().toISOString() },
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    await host().settled();
    const outOfStock = await emittedData(OutOfStock);
    assert.equal(outOfStock.length, 1, 'only when the total reaches 0');
    assert.deepEqual(
      { ...outOfStock[0], timestamp: undefined },
      { productId: product, availableQuantity: 0, timestamp: undefined },
    );
  });

  it('refuses with 409 INVENTORY.BELOW_RESERVED to remove units held for orders, naming the numbers', async () => {
    await start();
    const product = id();
    const warehouse = id();
    await addStock(product, warehouse, 10);
    await send(ReserveInventory, reservation(id(), [{ productId: product, quantity: 8 }]));

    const response = await host().inject({
      method: 'POST',
      url: '/inventory/update',
      payload: {
        productId: product,
        warehouseId: warehouse,
        quantityChange: -5,
        timestamp: new Date().toISOString(),
      },
    });

    assert.equal(response.statusCode, 409);
    assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
    const body = response.json<{ code: string; detail: string; status: number }>();
    assert.equal(body.code, 'INVENTORY.BELOW_RESERVED');
    assert.equal(body.status, 409);
    assert.match(body.detail, /by -5 would leave 5 on hand, below the 8 reserved/);
    assert.deepEqual(await stockOf(product), { [warehouse]: [10, 8] });
    assert.equal(
      (await emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'manual_update').length,
      0,
    );
  });

  it('refuses with 409 INVENTORY.WOULD_GO_NEGATIVE to remove more than is on hand, or from a level it does not know', async () => {
    await start();
    const { product, w1 } = await stockedProduct(5, 3);
    const update = (productId: string, warehouseId: string, quantityChange: number) =>
      host().inject({
        method: 'POST',
        url: '/inventory/update',
        payload: { productId, warehouseId, quantityChange, timestamp: new Date().toISOString() },
      });

    const tooMany = await update(product, w1, -6);
    assert.equal(tooMany.statusCode, 409);
    assert.equal(tooMany.json<{ code: string }>().code, 'INVENTORY.WOULD_GO_NEGATIVE');
    assert.match(tooMany.json<{ detail: string }>().detail, /by -6 would leave -1 on hand/);

    const unknownProduct = id();
    const unknown = await update(unknownProduct, w1, -1);
    assert.equal(unknown.statusCode, 409);
    assert.equal(unknown.json<{ code: string }>().code, 'INVENTORY.WOULD_GO_NEGATIVE');
    assert.deepEqual(await levels(unknownProduct), [], 'no level was created for it');
    assert.equal(
      (await host().inject({ method: 'GET', url: `/inventory/${unknownProduct}` })).statusCode,
      404,
    );
  });

  it('answers 400 problem+json naming the field for a body that breaks the command schema, and changes nothing', async () => {
    await start();
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
      const response = await host().inject({ method: 'POST', url, payload });
      assert.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)}`);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      const body = response.json<{ code: string; errors: { field: string; location: string }[] }>();
      assert.equal(body.code, 'REQUEST.INVALID');
      assert.ok(
        body.errors.some((error) => error.field === field && error.location === 'body'),
        `${field} in ${JSON.stringify(body.errors)}`,
      );
    }
    const malformed = await host().inject({
      method: 'POST',
      url: '/inventory/add',
      headers: { 'content-type': 'application/json' },
      payload: '{"productId":',
    });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(await levels(), []);
  });

  it('answers 404 INVENTORY.UNKNOWN_PRODUCT for a product it holds no stock of, and 400 for an id that is no uuid', async () => {
    await start();
    const unknown = await host().inject({ method: 'GET', url: `/inventory/${id()}` });
    assert.equal(unknown.statusCode, 404);
    assert.match(String(unknown.headers['content-type']), /^application\/problem\+json/);
    assert.equal(unknown.json<{ code: string }>().code, 'INVENTORY.UNKNOWN_PRODUCT');

    const invalid = await host().inject({ method: 'GET', url: '/inventory/not-a-uuid' });
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.json<{ code: string }>().code, 'REQUEST.INVALID');
  });

  it('documents the routes in OpenAPI under the inventory tag', async () => {
    await start();
    const spec = (await host().inject({ method: 'GET', url: '/openapi.json' })).json<{
      paths: Record<
        string,
        Record<string, { tags: string[]; summary: string; responses: Record<string, unknown> }>
      >;
    }>();
    for (const [path, method, statuses] of [
      ['/inventory/add', 'post', ['200', '400']],
      ['/inventory/update', 'post', ['200', '400', '409']],
      ['/inventory/{productId}', 'get', ['200', '400', '404']],
    ] as const) {
      const operation = spec.paths[path]?.[method];
      assert.ok(operation, `${method} ${path}`);
      assert.deepEqual(operation.tags, ['inventory']);
      assert.ok(operation.summary);
      assert.deepEqual(Object.keys(operation.responses).sort(), [...statuses]);
    }
  });

  // ---------------------------------------------------------------- Reservation

  it('reserves every line of an order from the warehouses with most available, and announces products it sold out', async () => {
    await start();
    const { product: p1, w1, w2 } = await stockedProduct(5, 3);
    const p2 = id();
    await addStock(p2, w1, 2);
    const order = id();

    await send(
      ReserveInventory,
      reservation(order, [
        { productId: p1, quantity: 6 },
        { productId: p2, quantity: 2 },
      ]),
    );

    const [reserved] = await emittedData(InventoryReserved);
    assert.ok(reserved);
    assert.equal(reserved.orderId, order);
    assert.deepEqual(reserved.allocations, [
      { productId: p1, warehouseId: w1, quantity: 5 },
      { productId: p1, warehouseId: w2, quantity: 1 },
      { productId: p2, warehouseId: w1, quantity: 2 },
    ]);
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 5], [w2]: [3, 1] });
    assert.deepEqual(await stockOf(p2), { [w1]: [2, 2] });
    assert.deepEqual(await allocationOf(order), {
      state: 'reserved',
      reservationId: reserved.reservationId,
      allocations: reserved.allocations,
    });
    const outOfStock = await emittedData(OutOfStock);
    assert.deepEqual(
      outOfStock.map(({ timestamp: _, ...event }) => event),
      [{ productId: p2, availableQuantity: 0, orderId: order }],
      'p1 still has units in W2',
    );
    await assertLedgerBalances();
  });

  it('reserves nothing when any line falls short, listing every shortage and announcing each short product', async () => {
    await start();
    const { product: p1 } = await stockedProduct(5, 3);
    const p2 = id();
    const p3 = id();
    await addStock(p2, id(), 1);
    await addStock(p3, id(), 9);
    const before = await levels();
    const order = id();

    await send(
      ReserveInventory,
      reservation(order, [
        { productId: p1, quantity: 9 },
        { productId: p2, quantity: 2 },
        { productId: p3, quantity: 4 },
      ]),
    );

    assert.deepEqual(await emitted(InventoryReserved), []);
    const failed = await emittedData(InventoryReservationFailed);
    assert.deepEqual(
      failed.map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          reason: 'insufficient_stock',
          shortages: [
            { productId: p1, requested: 9, available: 8 },
            { productId: p2, requested: 2, available: 1 },
          ],
        },
      ],
    );
    assert.deepEqual(
      (await emittedData(OutOfStock)).map(({ timestamp: _, ...event }) => event),
      [
        { productId: p1, availableQuantity: 8, requestedQuantity: 9, orderId: order },
        { productId: p2, availableQuantity: 1, requestedQuantity: 2, orderId: order },
      ],
    );
    assert.deepEqual(await levels(), before, 'p3, which was available, is not held either');
    assert.equal((await allocationOf(order))?.state, 'refused');
    await assertLedgerBalances();
  });

  it('refuses an order naming a product it has no stock of with unknown_product', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const unknown = id();
    const order = id();
    await send(
      ReserveInventory,
      reservation(order, [
        { productId: product, quantity: 1 },
        { productId: unknown, quantity: 1 },
      ]),
    );
    const [failed] = await emittedData(InventoryReservationFailed);
    assert.equal(failed?.reason, 'unknown_product');
    assert.deepEqual(failed.shortages, [{ productId: unknown, requested: 1, available: 0 }]);
    assert.equal(
      (await levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      0,
    );
  });

  it('dead-letters a reservation whose ids are not canonical lower-case uuids, reserving nothing', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    await send(
      ReserveInventory,
      reservation(id().toUpperCase(), [{ productId: product.toUpperCase(), quantity: 2 }]),
    );
    const [letter] = await deadLetters();
    assert.match(letter?.reason ?? '', /\/orderId must match format "uuid"/);
    assert.equal((await emitted(InventoryReserved)).length, 0);
    assert.equal(
      (await levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      0,
    );
  });

  it('does nothing for a second reservation request of an order already reserved', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    assert.equal((await emitted(InventoryReserved)).length, 1);
    assert.equal(
      (await levels(product)).reduce((sum, l) => sum + l.reserved, 0),
      2,
    );
  });

  // ---------------------------------------------------------------- Fulfilment

  it('takes the reserved units of a confirmed order off the shelf, announcing one adjustment per warehouse', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 6 }];
    await send(ReserveInventory, reservation(order, lines));

    await send(OrderConfirmed, confirmation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [0, 0], [w2]: [2, 0] });
    assert.equal((await allocationOf(order))?.state, 'deducted');
    const fulfilled = (await emitted(InventoryAdjusted)).filter(
      (e) => e.data.adjustment_reason === 'order_fulfilled',
    );
    assert.deepEqual(
      fulfilled.map(({ data: { event_id: _, timestamp: __, ...rest } }) => rest),
      [
        {
          product_id: product,
          warehouse_id: w1,
          adjusted_quantity: -5,
          new_quantity: 0,
          available_quantity: 0,
          adjustment_reason: 'order_fulfilled',
          adjusted_by: `order:${order}`,
          order_id: order,
        },
        {
          product_id: product,
          warehouse_id: w2,
          adjusted_quantity: -1,
          new_quantity: 2,
          available_quantity: 2,
          adjustment_reason: 'order_fulfilled',
          adjusted_by: `order:${order}`,
          order_id: order,
        },
      ],
    );
    for (const envelope of fulfilled) assert.equal(envelope.id, envelope.data.event_id);

    await send(OrderConfirmed, confirmation(order, lines));
    assert.equal(
      (await emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'order_fulfilled').length,
      2,
      'a second confirmation deducts nothing',
    );
    await assertLedgerBalances();
  });

  it('parks a confirmation that overtakes its reservation until the reservation lands', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];
    const confirmed = envelopeFor(OrderConfirmed, confirmation(order, lines));
    await host().bus.publish([{ channel: OrderConfirmed.channel, envelope: confirmed }]);
    // The confirmation has been tried, and parked (there is no allocation yet), before the reservation is sent.
    const { messagesHandled } = host().host.metrics;
    await until(async () =>
      (await messagesHandled.get()).values.some(
        ({ labels, value }) =>
          labels.consumer === consumer('fulfil-order') && labels.outcome === 'parked' && value >= 1,
      ),
    );

    await send(ReserveInventory, reservation(order, lines));

    assert.equal((await allocationOf(order))?.state, 'deducted');
    assert.deepEqual(await deadLetters(), []);
    await assertLedgerBalances();
  });

  it('dead-letters a confirmation of an order whose reservation it refused: there is nothing to deduct', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 99 }]));
    const confirmed = await send(OrderConfirmed, confirmation(order, [{ productId: product, quantity: 99 }]));
    const [letter] = await deadLetters();
    assert.equal(letter?.messageId, confirmed.id);
    assert.match(letter.reason, /^rejected: INVENTORY.NOTHING_RESERVED: /);
  });

  // ---------------------------------------------------------------- Cancellation

  it('leaves a tombstone for an order cancelled before its reservation, and refuses the late reservation with order_cancelled', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const before = await levels();
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];

    await send(OrderCancelled, cancellation(order, lines));
    assert.deepEqual(await allocationOf(order), { state: 'cancelled', reservationId: null, allocations: [] });

    await send(ReserveInventory, reservation(order, lines));

    assert.deepEqual(await emitted(InventoryReserved), []);
    const failed = await emittedData(InventoryReservationFailed);
    assert.deepEqual(
      failed.map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, reason: 'order_cancelled', shortages: [] }],
    );
    assert.deepEqual(await levels(), before);
    assert.deepEqual(await emitted(OutOfStock), []);
  });

  it('gives back the held units of an order cancelled after its reservation', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 7 }];
    await send(ReserveInventory, reservation(order, lines));
    const [reserved] = await emittedData(InventoryReserved);

    await send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await allocationOf(order))?.state, 'released');
    assert.deepEqual(
      (await emittedData(InventoryReleased)).map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          reservationId: reserved?.reservationId,
          released: reserved?.allocations,
          reason: 'order_cancelled',
        },
      ],
    );
    assert.deepEqual(await emitted(InventoryAdjusted).then((all) => all.filter((e) => e.data.order_id)), []);

    await send(OrderCancelled, cancellation(order, lines));
    await send(ReserveInventory, reservation(order, lines));
    assert.equal((await emitted(InventoryReleased)).length, 1, 'a second cancellation gives back nothing');
    assert.equal((await emittedData(InventoryReservationFailed))[0]?.reason, 'order_cancelled');
    await assertLedgerBalances();
  });

  it('puts the units of an order cancelled after fulfilment back on hand where they were taken', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 7 }];
    await send(ReserveInventory, reservation(order, lines));
    await send(OrderConfirmed, confirmation(order, lines));

    await send(OrderCancelled, cancellation(order, lines));

    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.equal((await allocationOf(order))?.state, 'restocked');
    const restocked = (await emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'order_cancelled',
    );
    assert.deepEqual(
      restocked.map((e) => [
        e.warehouse_id,
        e.adjusted_quantity,
        e.new_quantity,
        e.available_quantity,
        e.order_id,
      ]),
      [
        [w1, 5, 5, 5, order],
        [w2, 2, 3, 3, order],
      ],
    );
    assert.deepEqual(await emitted(InventoryReleased), []);
    await assertLedgerBalances();
  });

  // ---------------------------------------------------------------- Amendment

  it('follows amendments of a reserved order: increases held, decreases given back, shortfalls rejected', async () => {
    await start();
    const { product: p1, w1, w2 } = await stockedProduct(5, 3);
    const p2 = id();
    await addStock(p2, w1, 4);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: p1, quantity: 4 }]));

    await send(
      OrderAmended,
      amendment(order, [
        { productId: p1, oldQuantity: 4, newQuantity: 7 },
        { productId: p2, oldQuantity: 0, newQuantity: 1 },
      ]),
    );
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 4], [w2]: [3, 3] });
    assert.deepEqual(await stockOf(p2), { [w1]: [4, 1] });

    await send(OrderAmended, amendment(order, [{ productId: p1, oldQuantity: 7, newQuantity: 2 }]));
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 2], [w2]: [3, 0] });

    const beforeShort = await levels();
    await send(OrderAmended, amendment(order, [{ productId: p1, oldQuantity: 2, newQuantity: 11 }]));
    assert.deepEqual(await levels(), beforeShort);

    assert.deepEqual(
      (await emittedData(InventoryAmendmentApplied)).map(({ timestamp: _, ...event }) => event),
      [
        {
          orderId: order,
          added: [
            { productId: p1, warehouseId: w2, quantity: 3 },
            { productId: p2, warehouseId: w1, quantity: 1 },
          ],
          removed: [],
        },
        {
          orderId: order,
          added: [],
          removed: [
            { productId: p1, warehouseId: w2, quantity: 3 },
            { productId: p1, warehouseId: w1, quantity: 2 },
          ],
        },
      ],
    );
    assert.deepEqual(
      (await emittedData(InventoryAmendmentRejected)).map(({ timestamp: _, ...event }) => event),
      [{ orderId: order, shortages: [{ productId: p1, requested: 9, available: 6 }] }],
    );
    assert.deepEqual(
      (await emittedData(InventoryAdjusted)).filter((e) => e.adjustment_reason === 'order_amended'),
      [],
      'held units do not change what is on hand',
    );
    assert.deepEqual(await allocationOf(order).then((row) => row?.allocations), [
      { productId: p1, warehouseId: w1, quantity: 2 },
      { productId: p2, warehouseId: w1, quantity: 1 },
    ]);

    await send(OrderCancelled, cancellation(order, [{ productId: p1, quantity: 2 }]));
    assert.deepEqual(await stockOf(p1), { [w1]: [5, 0], [w2]: [3, 0] });
    assert.deepEqual(await stockOf(p2), { [w1]: [4, 0] });
    await assertLedgerBalances();
  });

  it('follows amendments of a fulfilled order on hand, announcing each adjustment, and rejects shortfalls', async () => {
    await start();
    const { product, w1, w2 } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 4 }];
    await send(ReserveInventory, reservation(order, lines));
    await send(OrderConfirmed, confirmation(order, lines));
    assert.deepEqual(await stockOf(product), { [w1]: [1, 0], [w2]: [3, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 4, newQuantity: 6 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [1, 0], [w2]: [1, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 6, newQuantity: 3 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 3, newQuantity: 9 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [2, 0], [w2]: [3, 0] });

    const amended = (await emittedData(InventoryAdjusted)).filter(
      (e) => e.adjustment_reason === 'order_amended',
    );
    assert.deepEqual(
      amended.map((e) => [
        e.warehouse_id,
        e.adjusted_quantity,
        e.new_quantity,
        e.available_quantity,
        e.adjusted_by,
      ]),
      [
        [w2, -2, 1, 1, `order:${order}`],
        [w2, 2, 3, 3, `order:${order}`],
        [w1, 1, 2, 2, `order:${order}`],
      ],
    );
    assert.equal((await emitted(InventoryAmendmentApplied)).length, 2);
    assert.deepEqual(
      (await emittedData(InventoryAmendmentRejected)).map((e) => e.shortages),
      [[{ productId: product, requested: 6, available: 5 }]],
    );
    assert.equal((await allocationOf(order))?.state, 'deducted');

    await send(OrderCancelled, cancellation(order, [{ productId: product, quantity: 3 }]));
    assert.deepEqual(await stockOf(product), { [w1]: [5, 0], [w2]: [3, 0] });
    await assertLedgerBalances();
  });

  it('announces OutOfStock when an amendment takes the last available units of a product', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 2 }]));
    assert.deepEqual(await emitted(OutOfStock), []);
    await send(OrderAmended, amendment(order, [{ productId: product, oldQuantity: 2, newQuantity: 8 }]));
    assert.deepEqual(
      (await emittedData(OutOfStock)).map(({ timestamp: _, ...event }) => event),
      [{ productId: product, availableQuantity: 0, orderId: order }],
    );
  });

  it('dead-letters an amendment of an order it holds nothing for, or one that expects other quantities, with the reason', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const cancelled = id();
    await send(OrderCancelled, cancellation(cancelled, [{ productId: product, quantity: 1 }]));
    const late = await send(
      OrderAmended,
      amendment(cancelled, [{ productId: product, oldQuantity: 1, newQuantity: 2 }]),
    );

    const reserved = id();
    await send(ReserveInventory, reservation(reserved, [{ productId: product, quantity: 2 }]));
    const stale = await send(
      OrderAmended,
      amendment(reserved, [{ productId: product, oldQuantity: 3, newQuantity: 4 }]),
    );

    const letters = await deadLetters();
    assert.deepEqual(
      letters.map((letter) => [letter.consumer, letter.messageId]),
      [
        [consumer('amend-allocation'), late.id],
        [consumer('amend-allocation'), stale.id],
      ],
    );
    assert.match(letters[0]!.reason, /^rejected: INVENTORY.NOT_AMENDABLE: .*cancelled/);
    assert.match(
      letters[1]!.reason,
      /^rejected: INVENTORY.STALE_AMENDMENT: .*expects 3 allocated, but 2 are/,
    );
    assert.deepEqual(await emitted(InventoryAmendmentApplied), []);
  });

  // ---------------------------------------------------------------- Bus commands and delivery guarantees

  it('applies a message delivered twice only once', async () => {
    await start();
    const [product, warehouse] = [id(), id()];
    const command = envelopeFor(AddInventory, {
      productId: product,
      warehouseId: warehouse,
      quantity: 7,
      timestamp: new Date().toISOString(),
    });
    await deliver(command);
    // The bus would drop the same id within its de-duplication window: make it forget, so the consumer sees it again.
    await sql('delete from bus.messages where id = $1', [command.id]);
    await deliver(command);

    assert.deepEqual(await stockOf(product), { [warehouse]: [7, 0] });
    const adjusted = await emittedData(InventoryAdjusted);
    assert.equal(adjusted.length, 1);
    assert.equal(adjusted[0]?.adjusted_by, testSource, 'a bus command is adjusted by its source');
    const [inbox] = await sql<{ count: number }>(
      'select count(*)::int as count from inventory.inbox where idempotency_key = $1',
      [command.idempotencykey],
    );
    assert.equal(inbox?.count, 1);
    await assertLedgerBalances();
  });

  it('corrects stock from a bus command, and dead-letters one that would take reserved units with the reason', async () => {
    await start();
    const { product, w1 } = await stockedProduct(5, 3);
    await send(ReserveInventory, reservation(id(), [{ productId: product, quantity: 4 }]));
    const timestamp = new Date().toISOString();

    await send(UpdateInventory, { productId: product, warehouseId: w1, quantityChange: 2, timestamp });
    const refused = await send(UpdateInventory, {
      productId: product,
      warehouseId: w1,
      quantityChange: -4,
      timestamp,
    });

    assert.deepEqual((await stockOf(product))[w1], [7, 4]);
    const [letter] = await deadLetters();
    assert.equal(letter?.messageId, refused.id);
    assert.equal(letter.consumer, consumer('update-inventory'));
    assert.match(
      letter.reason,
      /^rejected: INVENTORY.BELOW_RESERVED: .*would leave 3 on hand, below the 4 reserved/,
    );
    await assertLedgerBalances();
  });

  it('dead-letters a message whose payload breaks its contract, with the reason, and changes nothing', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const before = await levels();
    const order = id();
    const invalid = await send(ReserveInventory, reservation(order, [{ productId: product, quantity: 1 }]), {
      data: {
        orderId: order,
        lines: [{ productId: product, quantity: 0 }],
        timestamp: new Date().toISOString(),
      },
    });

    const [letter] = await deadLetters();
    assert.equal(letter?.messageId, invalid.id);
    assert.equal(letter.consumer, consumer('reserve-inventory'));
    assert.match(letter.reason, /^invalid ReserveInventory payload: \/lines\/0\/quantity must be >= 1/);
    assert.deepEqual(await levels(), before);
    assert.equal(await allocationOf(order), undefined);
    assert.deepEqual(await emitted(InventoryReservationFailed), []);
  });

  it('dead-letters a message of a version outside the accepted range, with the reason, and changes nothing', async () => {
    await start();
    const { product } = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: product, quantity: 2 }];
    await send(ReserveInventory, reservation(order, lines));
    const before = await levels();

    const newer = await send(OrderConfirmed, confirmation(order, lines), { dataversion: '0.1.0' });

    const [letter] = await deadLetters();
    assert.equal(letter?.messageId, newer.id);
    assert.equal(letter.consumer, consumer('fulfil-order'));
    assert.equal(
      letter.reason,
      'OrderConfirmed version 0.1.0 is outside the accepted range 0.0.1 and no upcaster reads it',
    );
    assert.deepEqual(await levels(), before);
    assert.equal((await allocationOf(order))?.state, 'reserved');
  });

  it('lets the database itself refuse a level holding more than is on hand, or less than nothing', async () => {
    await start();
    const { product, w1 } = await stockedProduct(5, 3);
    const violation = (constraint: string) => (error: unknown) =>
      error instanceof Error && error.message.includes(constraint);
    await assert.rejects(
      sql('update inventory.stock set reserved = 6 where product_id = $1 and warehouse_id = $2', [
        product,
        w1,
      ]),
      violation('stock_reserved_within_on_hand'),
    );
    await assert.rejects(
      sql('update inventory.stock set on_hand = -1, reserved = -2 where product_id = $1', [product]),
      violation('stock_'),
    );
    await assert.rejects(
      sql(`insert into inventory.order_allocations (order_id, state) values ($1, 'pending')`, [id()]),
      violation('order_allocations_state_check'),
    );
  });

  // ---------------------------------------------------------------- No oversell

  it('never oversells: 200 concurrent reservations for 50 units each get exactly one outcome and hold at most 50', async () => {
    // On PostgreSQL the handlers run concurrently on several connections; PGlite has one connection.
    await start({ CONSUMER_MAX_IN_FLIGHT: '16' });
    const product = id();
    const [w1, w2] = [id(), id()];
    await addStock(product, w1, 30);
    await addStock(product, w2, 20);
    const orders = Array.from({ length: 200 }, (_, index) => ({ orderId: id(), quantity: (index % 3) + 1 }));

    await host().bus.publish(
      orders.map(({ orderId, quantity }) => ({
        channel: ReserveInventory.channel,
        envelope: envelopeFor(ReserveInventory, reservation(orderId, [{ productId: product, quantity }])),
      })),
    );
    await host().settled(120_000);

    const requested = new Map(orders.map((order) => [order.orderId, order.quantity]));
    const reserved = await emittedData(InventoryReserved);
    const failed = await emittedData(InventoryReservationFailed);
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
    const final = await levels(product);
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

    const states = await sql<{ state: string; count: number }>(
      'select state, count(*)::int as count from inventory.order_allocations group by state order by state',
    );
    assert.deepEqual(states, [
      { state: 'refused', count: failed.length },
      { state: 'reserved', count: reserved.length },
    ]);
    assert.deepEqual(await deadLetters(), []);
    await assertLedgerBalances();
  });
});

/** Waits for a condition the test cannot be notified of, checking it every few milliseconds. */
async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
