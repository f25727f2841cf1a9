import { randomUUID } from 'node:crypto';

// One warehouse with few digits in its id: a random UUID's digits can pass for a card number and be refused.
const benchWarehouse = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

/** A thin JSON client of the system's public HTTP API, as real clients use it. */
export class ApiClient {
  readonly #baseUrl: string;
  readonly #authorization: string;
  /** Answers that refused a request for now (503 or 429 with Retry-After), each waited out and retried. */
  refusalsWaitedOut = 0;

  constructor(baseUrl: string, token: string) {
    this.#baseUrl = baseUrl;
    this.#authorization = `Bearer ${token}`;
  }

  /** Sends the request; a shed answer (503 or 429) is tried again after its Retry-After, as clients should. */
  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    for (;;) {
      const response = await fetch(`${this.#baseUrl}${path}`, {
        method,
        headers: {
          authorization: this.#authorization,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const retryAfter = response.headers.get('retry-after');
      if ((response.status === 503 || response.status === 429) && retryAfter) {
        await response.arrayBuffer();
        this.refusalsWaitedOut += 1;
        await new Promise((resolve) => setTimeout(resolve, Number(retryAfter) * 1000));
        continue;
      }
      return { status: response.status, body: (await response.json()) as T };
    }
  }

  async stock(productId: string, quantity: number): Promise<void> {
    const response = await this.request('POST', '/inventory/add', {
      productId,
      quantity,
      warehouseId: benchWarehouse,
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
