import { Type } from 'typebox';
import { Quantity, Shortage, StockLine, Text, Timestamp, Uuid } from '../common.js';
import { commandsOf, eventsOf } from '../define.js';
import { exampleIds as ids, exampleTime as time } from '../examples.js';

const catalogOwners = ['dboyne', 'msmith', 'asmith', 'full-stack', 'mobile-devs'];
const projectOwners = ['dboyne', 'full-stack'];

/** Commands that clients send InventoryService, as the catalog declares them. */
const catalogCommand = commandsOf({
  owners: catalogOwners,
  origin: 'catalog',
  context: 'inventory',
  producers: [],
});
/** Commands the order saga sends InventoryService. */
const ordersCommand = commandsOf({
  owners: projectOwners,
  origin: 'project',
  context: 'inventory',
  producers: ['OrdersService'],
});
const catalogEvent = eventsOf({
  owners: catalogOwners,
  origin: 'catalog',
  context: 'inventory',
  producers: ['InventoryService'],
});
const projectEvent = eventsOf({
  owners: projectOwners,
  origin: 'project',
  context: 'inventory',
  producers: ['InventoryService'],
});

export const AddInventory = catalogCommand({
  id: 'AddInventory',
  name: 'Add inventory',
  version: '0.0.3',
  summary: 'Receive new units of a product into a warehouse.',
  consumers: [{ service: 'InventoryService', accepts: '0.0.x' }],
  subjectOf: (command) => command.productId,
  fields: {
    productId: Uuid('The unique identifier of the product being added to the inventory.'),
    quantity: Quantity('The quantity of the product being added to the inventory.'),
    warehouseId: Uuid('The unique identifier of the warehouse where the inventory is being added.'),
    timestamp: Timestamp('The date and time when the inventory was added.'),
  },
  example: { productId: ids.product, quantity: 50, warehouseId: ids.warehouse, timestamp: time },
});

export const UpdateInventory = catalogCommand({
  id: 'UpdateInventory',
  name: 'Update inventory',
  version: '0.0.3',
  summary: 'Correct the units of a product held in a warehouse, up or down.',
  consumers: [{ service: 'InventoryService', accepts: '0.0.3' }],
  subjectOf: (command) => command.productId,
  fields: {
    productId: Uuid('The unique identifier of the product whose inventory is being updated.'),
    quantityChange: Type.Integer({
      minimum: -100_000,
      maximum: 100_000,
      not: { const: 0 },
      description: 'The change in quantity: positive adds units, negative removes them. Never zero.',
    }),
    warehouseId: Uuid('The unique identifier of the warehouse where the inventory is being updated.'),
    timestamp: Timestamp('The date and time when the inventory update occurred.'),
  },
  example: { productId: ids.product, quantityChange: -10, warehouseId: ids.warehouse, timestamp: time },
});

export const ReserveInventory = ordersCommand({
  id: 'ReserveInventory',
  name: 'Reserve inventory',
  version: '0.0.1',
  summary: 'Hold the units of every line of an order, all lines or none.',
  consumers: [{ service: 'InventoryService', accepts: '0.0.x' }],
  subjectOf: (command) => command.orderId,
  fields: {
    orderId: Uuid('The order the units are held for.'),
    lines: Type.Array(
      Type.Object(
        { productId: Uuid('The product.'), quantity: Quantity('Units wanted.') },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    timestamp: Timestamp('When the reservation was requested.'),
  },
  example: { orderId: ids.order, lines: [{ productId: ids.product, quantity: 2 }], timestamp: time },
});

export const InventoryReserved = projectEvent({
  id: 'InventoryReserved',
  name: 'Inventory reserved',
  version: '0.0.1',
  summary: 'Every line of an order is held; the allocation says which warehouse holds what.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    reservationId: Uuid('The reservation: what a release or a deduction refers to.'),
    allocations: Type.Array(StockLine, { minItems: 1 }),
    timestamp: Timestamp('When the units were reserved.'),
  },
  example: {
    orderId: ids.order,
    reservationId: ids.reservation,
    allocations: [{ productId: ids.product, warehouseId: ids.warehouse, quantity: 2 }],
    timestamp: time,
  },
});

export const InventoryReservationFailed = projectEvent({
  id: 'InventoryReservationFailed',
  name: 'Inventory reservation failed',
  version: '0.0.1',
  summary: 'An order could not be held in full, so nothing was held for it.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    reason: Type.Union([
      Type.Literal('insufficient_stock'),
      Type.Literal('unknown_product'),
      Type.Literal('order_cancelled'),
    ]),
    shortages: Type.Array(Shortage),
    timestamp: Timestamp('When the reservation was refused.'),
  },
  example: {
    orderId: ids.order,
    reason: 'insufficient_stock',
    shortages: [{ productId: ids.product, requested: 2, available: 1 }],
    timestamp: time,
  },
});

export const InventoryReleased = projectEvent({
  id: 'InventoryReleased',
  name: 'Inventory released',
  version: '0.0.1',
  summary: 'Units held for an order were given back to available stock.',
  consumers: [],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    reservationId: Uuid('The reservation released.'),
    released: Type.Array(StockLine, { minItems: 1 }),
    reason: Type.Union([Type.Literal('order_cancelled'), Type.Literal('order_amended')]),
    timestamp: Timestamp('When the units were released.'),
  },
  example: {
    orderId: ids.order,
    reservationId: ids.reservation,
    released: [{ productId: ids.product, warehouseId: ids.warehouse, quantity: 2 }],
    reason: 'order_cancelled',
    timestamp: time,
  },
});

export const AdjustmentReason = Type.Union([
  Type.Literal('restock'),
  Type.Literal('manual_update'),
  Type.Literal('order_fulfilled'),
  Type.Literal('order_cancelled'),
  Type.Literal('order_amended'),
]);

export const InventoryAdjusted = catalogEvent({
  id: 'InventoryAdjusted',
  name: 'Inventory adjusted',
  version: '1.0.1',
  summary: 'The units on hand of a product in a warehouse changed.',
  consumers: [
    { service: 'OrdersService', accepts: '^1.0.0' },
    { service: 'NotificationService', accepts: '^1.0.0' },
  ],
  subjectOf: (event) => event.product_id,
  fields: {
    event_id: Uuid('Identifies this adjustment; equal to the envelope id.'),
    timestamp: Timestamp('When the stock changed.'),
    product_id: Uuid('The product.'),
    warehouse_id: Uuid('The warehouse whose stock changed.'),
    adjusted_quantity: Type.Integer({ not: { const: 0 }, description: 'Signed change of units on hand.' }),
    new_quantity: Type.Integer({ minimum: 0, description: 'Units on hand in the warehouse afterwards.' }),
    available_quantity: Type.Integer({
      minimum: 0,
      description: 'Units on hand and not reserved, afterwards.',
    }),
    adjustment_reason: AdjustmentReason,
    adjusted_by: Text('Who or what made the change: `order:<id>` or the command source.'),
    order_id: Type.Optional(Uuid('The order that caused the change, when an order did.')),
  },
  example: {
    event_id: ids.event,
    timestamp: time,
    product_id: ids.product,
    warehouse_id: ids.warehouse,
    adjusted_quantity: -2,
    new_quantity: 48,
    available_quantity: 48,
    adjustment_reason: 'order_fulfilled',
    adjusted_by: `order:${ids.order}`,
    order_id: ids.order,
  },
});

export const OutOfStock = catalogEvent({
  id: 'OutOfStock',
  name: 'Inventory out of stock',
  version: '0.0.4',
  summary: 'A product has no units left to sell, or an order asked for more than there is.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.productId,
  fields: {
    productId: Uuid('The product.'),
    availableQuantity: Type.Integer({ minimum: 0, description: 'Units available over all warehouses.' }),
    requestedQuantity: Type.Optional(Quantity('Units the order that ran short asked for.')),
    orderId: Type.Optional(Uuid('The order that ran short or took the last units.')),
    timestamp: Timestamp('When it was noticed.'),
  },
  example: {
    productId: ids.product,
    availableQuantity: 0,
    requestedQuantity: 3,
    orderId: ids.order,
    timestamp: time,
  },
});

export const InventoryAmendmentApplied = projectEvent({
  id: 'InventoryAmendmentApplied',
  name: 'Inventory amendment applied',
  version: '0.0.1',
  summary: 'What is held or taken for an order now matches its amended quantities.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    added: Type.Array(StockLine),
    removed: Type.Array(StockLine),
    timestamp: Timestamp('When the change was applied.'),
  },
  example: {
    orderId: ids.order,
    added: [{ productId: ids.product, warehouseId: ids.warehouse, quantity: 1 }],
    removed: [],
    timestamp: time,
  },
});

export const InventoryAmendmentRejected = projectEvent({
  id: 'InventoryAmendmentRejected',
  name: 'Inventory amendment rejected',
  version: '0.0.1',
  summary: 'An amendment asked for more units than are available; nothing changed.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    shortages: Type.Array(Shortage, { minItems: 1 }),
    timestamp: Timestamp('When the amendment was refused.'),
  },
  example: {
    orderId: ids.order,
    shortages: [{ productId: ids.product, requested: 1, available: 0 }],
    timestamp: time,
  },
});
