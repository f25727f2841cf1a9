import type { Static } from 'typebox';
import { PlaceOrder } from '../../../../contracts/index.js';
import { exampleIds as ids, exampleTime as time } from '../../../../contracts/examples.js';
import type { OrderSummaryView, OrderView } from './order-view.js';

const placed = PlaceOrder.example;
const entry = (
  messageId: string,
  type: string,
  version: string,
  source: string,
  causationId: string | null,
) => ({
  messageId,
  type,
  version,
  source: `/orders-domain/${source}`,
  subject: ids.order,
  time,
  causationId,
  actor: { id: placed.customer.customerId, role: 'customer' },
});
const message = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

/** An order whose stock was just reserved, as `GET /orders/{orderId}` shows it, from the contracts' examples. */
export const orderViewExample: Static<typeof OrderView> = {
  orderId: placed.orderId,
  status: 'pending',
  customer: placed.customer,
  items: placed.items.map((item) => ({ ...item, total: item.price * item.quantity })),
  shippingAddress: placed.shippingAddress,
  payment: placed.payment,
  totalAmount: placed.payment.amount,
  orderDate: placed.orderDate,
  placedAt: time,
  amendmentPending: false,
  correlationId: placed.orderId,
  timeline: [
    entry(message(1), 'PlaceOrder', '0.0.1', 'http', null),
    entry(message(2), 'ReserveInventory', '0.0.1', 'OrdersService', message(1)),
    entry(message(3), 'InventoryReserved', '0.0.1', 'InventoryService', message(2)),
  ],
  flowConformance: {
    conforms: true,
    checkedAt: time,
    path: [
      {
        messageId: message(1),
        type: 'PlaceOrder',
        version: '0.0.1',
        time,
        flow: 'OrderPlacement',
        step: 'place_order',
        verdict: 'conforms',
      },
      {
        messageId: message(2),
        type: 'ReserveInventory',
        version: '0.0.1',
        time,
        flow: 'OrderPlacement',
        step: 'reserve_inventory',
        verdict: 'conforms',
      },
      {
        messageId: message(3),
        type: 'InventoryReserved',
        version: '0.0.1',
        time,
        flow: 'OrderPlacement',
        step: 'inventory_reserved',
        verdict: 'conforms',
      },
    ],
    runs: [
      {
        flow: 'OrderPlacement',
        version: '1.0.0',
        startedBy: message(1),
        status: 'running',
        awaiting: [
          { after: 'inventory_reserved', steps: ['order_confirmed'], due: '2026-07-04T14:48:30.000Z' },
        ],
      },
    ],
    departures: [],
  },
};

export const orderSummaryExample: Static<typeof OrderSummaryView> = {
  orderId: placed.orderId,
  status: 'completed',
  customerId: placed.customer.customerId,
  totalAmount: placed.payment.amount,
  placedAt: time,
};
