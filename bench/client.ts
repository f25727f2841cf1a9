import { randomUUID } from 'node:crypto';

/** A thin JSON client of the system's public HTTP API, as real clients use it. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #authorization: string;

  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#authorization = `Bearer ${token}`;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.#baseUrl}${path}`, {
      method,
      headers: {
        authorization: this.#authorization,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async stock(productId: string, quantity: number): Promise<void> {
    const response = await this.request('POST', '/inventory/add', {
      productId,
      quantity,
      warehouseId: randomUUID(),
      timestamp: new Date().toISOString(),
    });
    if (response.status !== 200) throw new Error(`stocking failed: ${JSON.stringify(response.body)}`);
  }
}

export function orderBody(orderId: string, productId: string, quantity: number) {
  return {
    orderId,
    customer: { customerId: randomUUID(), name: 'Bench Customer', email: 'bench@example.com' },
    items: [{ itemId: productId, name: 'Bench product', quantity, price: 9.99 }],
    shippingAddress: {
      street: '1 Bench St',
      city: 'Leeds',
      state: 'West Yorkshire',
      zip: 'LS1',
      country: 'UK',
    },
    payment: {
      paymentMethod: 'Credit Card',
      transactionId: `bench-${orderId}`,
      amount: Math.round(999 * quantity) / 100,
    },
    orderDate: new Date().toISOString(),
    status: 'Pending',
  };
}

/** Runs `task` for every item with at most `concurrency` in flight, reporting each completion. */
export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
  onDone: () => void,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
      onDone();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
