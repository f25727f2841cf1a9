import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/platform/db/database.js';
import type { TestHost } from './host.js';
import { placeOrderBody, stockBody, type Line } from './orders.js';

interface OrderView {
  orderId: string;
  status: string;
  totalAmount: number;
  items: { itemId: string; quantity: number }[];
  amendmentPending: boolean;
  cancellation?: { reason?: string };
  timeline: { type: string }[];
}

interface PaymentView {
  paymentId: string;
  userId: string;
  status: string;
  amount: number;
  charges: { purpose: string; amount: number; state: string; providerReference?: string }[];
  refunds: { amount: number; method: string; reason: string; state: string }[];
  attempts: { operation: string; number: number; action: string; outcome: string }[];
}

interface StockTotals {
  onHand: number;
  reserved: number;
  available: number;
}

/** The requests and reads every payment test needs, over one running domain. */
export function paymentsClient(domain: () => TestHost) {
  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const post = async (url: string, payload: object) => {
    const response = await domain().inject({ method: 'POST', url, payload });
    assert.ok(response.statusCode < 300, `${url}: ${response.statusCode} ${response.body}`);
    return response;
  };
  const get = async <T>(url: string) => json<T>(await domain().inject({ method: 'GET', url }));
  return {
    async stocked(units: number): Promise<string> {
      const productId = randomUUID();
      await post('/inventory/add', stockBody(productId, units));
      return productId;
    },
    /** Places an order paid with the token and waits for everything it set off. */
    async placed(token: string, lines: readonly Line[]) {
      const body = placeOrderBody(lines);
      body.payment.transactionId = token;
      await post('/orders', body);
      await domain().settled();
      return body;
    },
    order: (orderId: string) => get<OrderView>(`/orders/${orderId}`),
    async payment(orderId: string): Promise<PaymentView> {
      const { payments } = await get<{ payments: PaymentView[] }>(`/payments?orderId=${orderId}`);
      assert.equal(payments.length, 1, 'one payment per order');
      return payments[0]!;
    },
    stock: async (productId: string) =>
      (await get<{ totals: StockTotals }>(`/inventory/${productId}`)).totals,
    notificationTypes: async (orderId: string) =>
      (await get<{ notifications: { type: string }[] }>(`/notifications?orderId=${orderId}`)).notifications
        .map((notification) => notification.type)
        .sort(),
    cancel: (orderId: string) => post(`/orders/${orderId}/cancel`, { reason: 'changed my mind' }),
    amend: (orderId: string, itemId: string, quantity: number) =>
      post(`/orders/${orderId}/amendments`, { items: [{ itemId, quantity }] }),
  };
}

/** Asserts that the types appear in this order (others may come between them). */
function assertInOrder(types: readonly string[], expected: readonly string[]): void {
  let position = -1;
  for (const type of expected) {
    const next = types.indexOf(type, position + 1);
    assert.ok(next > position, `${type} after ${expected.join(' → ')} so far, in ${types.join(', ')}`);
    position = next;
  }
}

const count = (types: readonly string[], type: string) => types.filter((each) => each === type).length;

/**
 * Asserts that the order's timeline shows the `inOrder` types in that order (others may come between
 * them), and each type of `times` exactly that many times.
 */
export function assertTimeline(
  order: OrderView,
  inOrder: readonly string[],
  times: Readonly<Record<string, number>> = {},
): void {
  const types = order.timeline.map((entry) => entry.type);
  for (const [type, expected] of Object.entries(times)) assert.equal(count(types, type), expected, type);
  assertInOrder(types, inOrder);
}

export const callsOf = (payment: PaymentView, operation: string) =>
  payment.attempts
    .filter((attempt) => attempt.operation === operation)
    .map((attempt) => `${attempt.action}:${attempt.outcome}`);

export async function sandboxConfirmations(db: Database, paymentId: string): Promise<number[]> {
  const rows = await db.query<{ calls: number }>(
    `select confirm_calls as calls from payments.sandbox_charges where prepare_key like $1 order by prepare_key`,
    [`${paymentId}:%`],
  );
  return rows.map((row) => row.calls);
}
