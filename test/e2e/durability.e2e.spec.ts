import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openPglite } from '../../src/platform/db/pglite.js';
import { assertEachEffectOnce, type Outcome } from '../support/effects.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { startEmbeddedProcess, type RunningProcess } from '../support/process.js';
import { until } from '../support/until.js';

const finalStatuses = new Set(['completed', 'rejected', 'cancelled']);

describe('the embedded runtime survives being killed mid-burst', () => {
  let dataDir: string;
  let running: RunningProcess | undefined;

  after(async () => {
    await running?.kill('SIGTERM');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const authorization = `Bearer ${running!.token}`;
    const response = await fetch(`${running!.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? { headers: { authorization } }
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json', authorization } }),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('finishes every accepted order after a SIGKILL and restart, with consistent stock and one confirmation each', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'orders-durability-'));
    const env = { DATA_DIR: dataDir, RELAY_POLL_MS: '20' };
    running = await startEmbeddedProcess(env);

    const productId = randomUUID();
    const units = 60;
    assert.equal((await call('POST', '/inventory/add', stockBody(productId, units))).status, 200);

    const bodies = Array.from({ length: 120 }, () => placeOrderBody([{ productId, quantity: 1 }]));
    const accepted: string[] = [];
    let killed: Promise<void> | undefined;
    const attempts = bodies.map(async (body) => {
      try {
        const response = await call('POST', '/orders', body);
        if (response.status === 202) accepted.push(body.orderId);
        if (accepted.length === 40) killed ??= running!.kill('SIGKILL');
      } catch {
        // The request was in flight when the process died: the client never learnt the outcome.
      }
    });
    await Promise.all(attempts);
    await killed;
    assert.ok(accepted.length >= 40, `only ${accepted.length} orders were accepted before the kill`);

    running = await startEmbeddedProcess(env);
    const statuses = new Map<string, string>();
    let unsettled = 0;
    await until(
      () => `every order settled after restart (${unsettled} were not)`,
      async () => {
        for (const order of await allOrders()) statuses.set(order.orderId, order.status);
        const missing = accepted.filter((orderId) => !statuses.has(orderId));
        assert.deepEqual(missing, [], 'every accepted order is stored');
        unsettled = [...statuses.values()].filter((status) => !finalStatuses.has(status)).length;
        return unsettled === 0;
      },
      { timeoutMs: 60_000, everyMs: 200 },
    );

    const completed = [...statuses]
      .filter(([, status]) => status === 'completed')
      .map(([orderId]) => orderId);
    assert.equal(completed.length, Math.min(units, statuses.size));
    const stock = await call<{ totals: { onHand: number; reserved: number } }>(
      'GET',
      `/inventory/${productId}`,
    );
    assert.deepEqual(stock.body.totals, {
      onHand: units - completed.length,
      reserved: 0,
      available: units - completed.length,
    });

    await until(
      'exactly one confirmation per confirmed order',
      async () => {
        for (const orderId of statuses.keys()) {
          const { body } = await call<{ notifications: { type: string }[] }>(
            'GET',
            `/notifications?orderId=${orderId}`,
          );
          const confirmations = body.notifications.filter((n) => n.type === 'order_confirmation').length;
          if (confirmations !== (completed.includes(orderId) ? 1 : 0)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, everyMs: 200 },
    );

    // Every effect, counted in the data the process left once it has stopped.
    await until(
      'the notifications of every order',
      async () => {
        for (const orderId of statuses.keys()) {
          const { body } = await call<{ notifications: { type: string }[] }>(
            'GET',
            `/notifications?orderId=${orderId}`,
          );
          if (body.notifications.length < (completed.includes(orderId) ? 2 : 1)) return false;
        }
        return true;
      },
      { timeoutMs: 30_000, everyMs: 200 },
    );
    await running.kill('SIGTERM');
    running = undefined;
    const db = await openPglite({ dataDir });
    try {
      const outcomes = new Map([...statuses].map(([orderId, status]) => [orderId, status as Outcome]));
      await assertEachEffectOnce(() => Promise.resolve(db), outcomes, [{ db, table: 'bus.messages' }]);
    } finally {
      await db.close();
    }
  });

  async function allOrders(): Promise<{ orderId: string; status: string }[]> {
    const orders: { orderId: string; status: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        status: number;
        body: { orders: { orderId: string; status: string }[]; nextCursor: string | null };
      } = await call('GET', `/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      // The restarted process sheds load while it catches up: ask again after the delay.
      if (page.status === 503) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return allOrders();
      }
      assert.equal(page.status, 200, JSON.stringify(page.body));
      orders.push(...page.body.orders);
      cursor = page.body.nextCursor;
    } while (cursor);
    return orders;
  }
});
