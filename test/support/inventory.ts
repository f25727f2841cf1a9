import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'node:test';
import {
  InventoryAdjusted,
  OrderConfirmed,
  ReserveInventory,
  type Envelope,
  type MessageContract,
  type OrderAmended,
  type OrderCancelled,
  type PayloadOf,
} from '../../contracts/index.js';
import { inventoryService } from '../../src/services/inventory/index.js';
import type { TestDatabase } from './databases.js';
import { envelopeSender } from './envelopes.js';
import { startTestHost, type TestHost } from './host.js';
import { publishedBy } from './published.js';
import { deadLettersOf, whenDelivered } from './service-spec.js';

export const id = (): string => randomUUID();
export const consumer = (name: string) => `InventoryService-${name}`;

export interface Line {
  productId: string;
  quantity: number;
}
export interface Level {
  productId: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
}
export interface StockLine {
  productId: string;
  warehouseId: string;
  quantity: number;
}

// Payloads as the other services send them.
export const reservation = (orderId: string, lines: Line[]): PayloadOf<typeof ReserveInventory> => ({
  orderId,
  lines,
  timestamp: new Date().toISOString(),
});
export const orderItems = (lines: Line[]) =>
  lines.map(({ productId, quantity }) => ({
    productId,
    productName: 'Gear',
    quantity,
    unitPrice: 2,
    totalPrice: 2 * quantity,
  }));
export const confirmation = (orderId: string, lines: Line[]): PayloadOf<typeof OrderConfirmed> => ({
  orderId,
  userId: id(),
  orderItems: orderItems(lines),
  orderStatus: 'confirmed',
  totalAmount: 10,
  confirmationTimestamp: new Date().toISOString(),
});
export const cancellation = (orderId: string, lines: Line[]): PayloadOf<typeof OrderCancelled> => ({
  orderId,
  userId: id(),
  orderItems: orderItems(lines),
  orderStatus: 'cancelled',
  totalAmount: 10,
  timestamp: new Date().toISOString(),
});
export const amendment = (
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

/** An InventoryService on a fresh database for each test, with what its specs look at. */
export function inventorySpec(open: () => Promise<TestDatabase>) {
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
  const deliver = (...envelopes: Envelope[]) => whenDelivered(host(), ...envelopes);

  /** Delivers the payload in a new envelope, and waits until everything it caused has settled. */
  const send = envelopeSender((_contract, envelope) => deliver(envelope));

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
  /** The InventoryAdjusted events the service emitted for one reason, in commit order. */
  const adjustmentsFor = async (reason: string) =>
    (await emittedData(InventoryAdjusted)).filter((adjustment) => adjustment.adjustment_reason === reason);

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

  const deadLetters = () => deadLettersOf(database.db, 'inventory');

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

  /** An order for `quantity` of a product stocked 5 in W1 and 3 in W2, its reservation delivered. */
  async function reservedOrder(quantity: number) {
    const stocked = await stockedProduct(5, 3);
    const order = id();
    const lines = [{ productId: stocked.product, quantity }];
    await send(ReserveInventory, reservation(order, lines));
    return { ...stocked, order, lines };
  }

  /** A `reservedOrder` whose confirmation was delivered too: its units are taken off the shelf. */
  async function fulfilledOrder(quantity: number) {
    const reserved = await reservedOrder(quantity);
    await send(OrderConfirmed, confirmation(reserved.order, reserved.lines));
    return reserved;
  }

  // ---------------------------------------------------------------- HTTP

  return {
    db: () => database.db,
    start,
    host,
    sql,
    deliver,
    send,
    addStock,
    emitted,
    emittedData,
    adjustmentsFor,
    levels,
    stockOf,
    allocationOf,
    deadLetters,
    assertLedgerBalances,
    stockedProduct,
    reservedOrder,
    fulfilledOrder,
  };
}
