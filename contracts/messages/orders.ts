import { Type } from 'typebox';
import { Money, OrderItem, Quantity, Shortage, Text, Timestamp, Uuid } from '../common.js';
import { commandsOf, eventsOf } from '../define.js';
import { exampleIds as ids, exampleTime as time } from '../examples.js';

const catalogOwners = ['dboyne', 'msmith', 'asmith', 'full-stack', 'mobile-devs'];

/** Commands that clients send OrdersService, as the catalog declares them. */
const catalogCommand = commandsOf({
  owners: catalogOwners,
  origin: 'catalog',
  context: 'orders',
  producers: [],
});
const catalogEvent = eventsOf({
  owners: ['dboyne', 'msmith'],
  origin: 'catalog',
  context: 'orders',
  producers: ['OrdersService'],
});
const projectEvent = eventsOf({
  owners: ['dboyne', 'full-stack'],
  origin: 'project',
  context: 'orders',
  producers: ['OrdersService'],
});

const Customer = Type.Object(
  {
    customerId: Uuid('Unique identifier for the customer'),
    name: Text('Name of the customer'),
    email: Type.String({ format: 'email', maxLength: 254, description: 'Email address of the customer' }),
    phone: Type.Optional(
      Type.String({ pattern: '^[+]?[0-9]{10,15}$', description: 'Phone number of the customer' }),
    ),
  },
  { additionalProperties: false },
);

const ShippingAddress = Type.Object(
  {
    street: Text('Street address'),
    city: Text('City'),
    state: Text('State or province'),
    zip: Text('ZIP or postal code', 20),
    country: Text('Country', 100),
  },
  { additionalProperties: false },
);

const exampleOrderItems = [
  {
    productId: ids.product,
    productName: 'Analytical Engine Gear',
    quantity: 2,
    unitPrice: 29.99,
    totalPrice: 59.98,
  },
];

export const PaymentMethod = Type.Union(
  [Type.Literal('Credit Card'), Type.Literal('PayPal'), Type.Literal('Bank Transfer')],
  { description: 'Payment method used' },
);

export const PlaceOrder = catalogCommand({
  id: 'PlaceOrder',
  name: 'Place Order',
  version: '0.0.1',
  summary: 'A customer places an order.',
  consumers: [{ service: 'OrdersService', accepts: '0.0.x' }],
  subjectOf: (order) => order.orderId,
  fields: {
    orderId: Uuid('Unique identifier for the order, chosen by the client: it makes placement idempotent'),
    customer: Customer,
    items: Type.Array(
      Type.Object(
        {
          itemId: Uuid('Unique identifier for the item (the product id)'),
          name: Text('Name of the item'),
          quantity: Quantity('Quantity of the item ordered'),
          price: Money('Price per unit of the item'),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100, description: 'List of items in the order' },
    ),
    shippingAddress: ShippingAddress,
    payment: Type.Object(
      {
        paymentMethod: PaymentMethod,
        transactionId: Text('Transaction ID for the payment', 100),
        amount: Money('Total amount to pay: must equal the sum of quantity * price over the items'),
      },
      { additionalProperties: false },
    ),
    orderDate: Timestamp('Date when the order was placed'),
    status: Type.Literal('Pending', { description: 'A newly placed order is always Pending' }),
  },
  example: {
    orderId: ids.order,
    customer: {
      customerId: ids.customer,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+447700900123',
    },
    items: [{ itemId: ids.product, name: 'Analytical Engine Gear', quantity: 2, price: 29.99 }],
    shippingAddress: {
      street: '12 St James Square',
      city: 'London',
      state: 'London',
      zip: 'SW1Y 4JH',
      country: 'UK',
    },
    payment: { paymentMethod: 'Credit Card', transactionId: 'txn-0001', amount: 59.98 },
    orderDate: time,
    status: 'Pending',
  },
});

export const OrderPlaced = projectEvent({
  id: 'OrderPlaced',
  name: 'Order placed',
  version: '0.0.1',
  summary: 'An order was accepted and is waiting for its stock to be reserved.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    customer: Customer,
    orderItems: Type.Array(OrderItem, { minItems: 1 }),
    totalAmount: Money('The total amount of the order.'),
    orderDate: Timestamp('When the customer placed the order.'),
    timestamp: Timestamp('When the order was accepted.'),
  },
  example: {
    orderId: ids.order,
    customer: { customerId: ids.customer, name: 'Ada Lovelace', email: 'ada@example.com' },
    orderItems: exampleOrderItems,
    totalAmount: 59.98,
    orderDate: time,
    timestamp: time,
  },
});

export const OrderConfirmed = catalogEvent({
  id: 'OrderConfirmed',
  name: 'Order confirmed',
  version: '0.0.1',
  summary: 'The order has its stock reserved and is confirmed.',
  consumers: [
    { service: 'InventoryService', accepts: '0.0.1' },
    { service: 'NotificationService', accepts: '0.0.x' },
  ],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The unique identifier of the confirmed order.'),
    userId: Uuid('The unique identifier of the user who placed the order.'),
    orderItems: Type.Array(OrderItem, { minItems: 1 }),
    orderStatus: Type.String({ description: 'The current status of the order after confirmation.' }),
    totalAmount: Money('The total amount of the confirmed order.'),
    confirmationTimestamp: Timestamp('The date and time when the order was confirmed.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    orderItems: exampleOrderItems,
    orderStatus: 'confirmed',
    totalAmount: 59.98,
    confirmationTimestamp: time,
  },
});

export const OrderRejected = projectEvent({
  id: 'OrderRejected',
  name: 'Order rejected',
  version: '0.0.1',
  summary: 'The order could not be fulfilled and will not go ahead; nothing is held for it.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The rejected order.'),
    userId: Uuid('The customer who placed it.'),
    reason: Type.Union([Type.Literal('insufficient_stock'), Type.Literal('unknown_product')]),
    shortages: Type.Array(Shortage),
    timestamp: Timestamp('When the order was rejected.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    reason: 'insufficient_stock',
    shortages: [{ productId: ids.product, requested: 2, available: 1 }],
    timestamp: time,
  },
});

export const OrderCancelled = catalogEvent({
  id: 'OrderCancelled',
  name: 'Order cancelled',
  version: '0.0.1',
  summary: 'The order was cancelled; what was held or taken for it is given back.',
  consumers: [
    { service: 'InventoryService', accepts: '0.0.1' },
    { service: 'NotificationService', accepts: '0.0.x' },
    { service: 'PaymentService', accepts: '0.0.x' },
  ],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The unique identifier of the order that was cancelled.'),
    userId: Uuid('The unique identifier of the user who placed the order.'),
    orderItems: Type.Array(OrderItem, { minItems: 1 }),
    orderStatus: Type.Literal('cancelled'),
    totalAmount: Money('The total amount of the order that was cancelled.'),
    cancellationReason: Type.Optional(Text('The reason for the cancellation, if provided.', 500)),
    timestamp: Timestamp('The date and time when the order was cancelled.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    orderItems: exampleOrderItems,
    orderStatus: 'cancelled',
    totalAmount: 59.98,
    cancellationReason: 'Customer requested cancellation',
    timestamp: time,
  },
});

export const OrderAmended = catalogEvent({
  id: 'OrderAmended',
  name: 'Order amended',
  version: '0.0.1',
  summary: 'The quantities or lines of an order changed; inventory adjusts what it holds by the difference.',
  consumers: [{ service: 'InventoryService', accepts: '0.0.1' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The unique identifier of the order that was amended.'),
    userId: Uuid('The unique identifier of the user who placed the order.'),
    amendedItems: Type.Array(
      Type.Object(
        {
          productId: Uuid('The unique identifier of the product.'),
          productName: Text('The name of the product.'),
          oldQuantity: Type.Integer({
            minimum: 0,
            description: 'The quantity before; 0 for an added line.',
          }),
          newQuantity: Type.Integer({
            minimum: 0,
            description: 'The quantity after; 0 for a removed line.',
          }),
          unitPrice: Money('The price per unit of the product.'),
          totalPrice: Money('The total price for this item (newQuantity * unitPrice).'),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
    orderStatus: Type.String({ description: 'The status of the order after the amendment.' }),
    totalAmount: Money('The total amount of the order after the amendment.'),
    timestamp: Timestamp('The date and time when the order was amended.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    amendedItems: [
      {
        productId: ids.product,
        productName: 'Analytical Engine Gear',
        oldQuantity: 2,
        newQuantity: 3,
        unitPrice: 29.99,
        totalPrice: 89.97,
      },
    ],
    orderStatus: 'confirmed',
    totalAmount: 89.97,
    timestamp: time,
  },
});

export const OrderAmendmentRejected = projectEvent({
  id: 'OrderAmendmentRejected',
  name: 'Order amendment rejected',
  version: '0.0.2',
  summary: 'An amendment could not be honoured; the order is back to what it was before it.',
  consumers: [{ service: 'NotificationService', accepts: '0.0.x' }],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    userId: Uuid('The customer who placed it.'),
    reason: Type.Union([Type.Literal('insufficient_stock'), Type.Literal('payment_failed')], {
      description: '`payment_failed` (0.0.2): the difference in price could not be charged or refunded.',
    }),
    shortages: Type.Array(Shortage),
    message: Type.Optional(
      Text('Why, in words fit for the customer, when the reason is not a stock shortage (0.0.2).', 500),
    ),
    totalAmount: Money('The total amount of the order, unchanged.'),
    timestamp: Timestamp('When the amendment was rejected.'),
  },
  example: {
    orderId: ids.order,
    userId: ids.customer,
    reason: 'insufficient_stock',
    shortages: [{ productId: ids.product, requested: 1, available: 0 }],
    totalAmount: 59.98,
    timestamp: time,
  },
});

export const OrderCompleted = projectEvent({
  id: 'OrderCompleted',
  name: 'Order completed',
  version: '0.0.1',
  summary: 'Every line of the order has been taken from stock: the order is fulfilled.',
  consumers: [],
  subjectOf: (event) => event.orderId,
  fields: {
    orderId: Uuid('The order.'),
    userId: Uuid('The customer who placed it.'),
    totalAmount: Money('The total amount of the order.'),
    timestamp: Timestamp('When the order completed.'),
  },
  example: { orderId: ids.order, userId: ids.customer, totalAmount: 59.98, timestamp: time },
});
