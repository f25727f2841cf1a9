import { deciderSpec } from './decider-spec.js';
import type { OrderCommand, RequestedItem } from '../../src/services/orders/domain/commands.js';
import { decide } from '../../src/services/orders/domain/decide.js';
import { evolve } from '../../src/services/orders/domain/evolve.js';

/** The clock and the given/when/then grammar of the order decider's specs. */
export const now = new Date('2026-07-04T14:48:00.000Z');
export const at = now.toISOString();
export const spec = deciderSpec({ decide, evolve }, now);

type PlaceOrder = Extract<OrderCommand, { type: 'PlaceOrder' }>;

/** An order for the items, placed now by one customer and paid by card for exactly their total. */
export function placeOrder(items: readonly RequestedItem[]): PlaceOrder {
  const cents = items.reduce((sum, item) => sum + Math.round(item.price * 100) * item.quantity, 0);
  return {
    type: 'PlaceOrder',
    orderId: '0b4e7f3a-5c1d-4e2a-9f6b-8a7c3d2e1f00',
    customer: { customerId: '3f2b8c1e-7a4d-4b9e-8c6f-1d2e3f4a5b6c', name: 'Ada', email: 'ada@example.com' },
    items,
    shippingAddress: { street: '1 Main St', city: 'London', state: 'London', zip: 'N1', country: 'UK' },
    payment: { method: 'Credit Card', transactionId: 'txn-1', amount: cents / 100 },
    orderDate: at,
  };
}
