import { randomUUID } from 'node:crypto';
import type { PayloadOf, PlaceOrder } from '../../contracts/index.js';

export interface Line {
  readonly productId: string;
  readonly quantity: number;
  readonly price?: number;
  readonly name?: string;
}

/** A valid PlaceOrder body for the lines, with the payment amount that matches them. */
export function placeOrderBody(
  lines: readonly Line[],
  overrides: Partial<PayloadOf<typeof PlaceOrder>> = {},
): PayloadOf<typeof PlaceOrder> {
  const items = lines.map((line) => ({
    itemId: line.productId,
    name: line.name ?? `Product ${line.productId.slice(0, 8)}`,
    quantity: line.quantity,
    price: line.price ?? 10,
  }));
  const cents = items.reduce((sum, item) => sum + Math.round(item.price * 100) * item.quantity, 0);
  return {
    orderId: randomUUID(),
    customer: { customerId: randomUUID(), name: 'Grace Hopper', email: 'grace@example.com' },
    items,
    shippingAddress: { street: '1 Navy Way', city: 'Arlington', state: 'VA', zip: '22201', country: 'US' },
    payment: { paymentMethod: 'Credit Card', transactionId: `txn-${randomUUID()}`, amount: cents / 100 },
    orderDate: new Date().toISOString(),
    status: 'Pending',
    ...overrides,
  };
}

export const stockBody = (productId: string, quantity: number, warehouseId = randomUUID()) => ({
  productId,
  quantity,
  warehouseId,
  timestamp: new Date().toISOString(),
});
