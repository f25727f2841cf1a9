import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createPostgresDatabase } from '../support/databases.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { startEmbeddedProcess, type RunningProcess } from '../support/process.js';
import { assertOneTraceForOrder } from '../support/traces.js';
import { until } from '../support/until.js';

/**
 * The embedded runtime as a user starts it, configured by the OTEL_* variables alone, on a
 * PostgreSQL database of its own (quicker to start than a new PGlite cluster).
 */
async function withEmbeddedProcess(
  otel: Record<string, string>,
  run: (process: RunningProcess) => Promise<void>,
): Promise<void> {
  const database = await createPostgresDatabase();
  try {
    const running = await startEmbeddedProcess({ DATABASE_URL: database.url, RELAY_POLL_MS: '20', ...otel });
    try {
      await run(running);
    } finally {
      await running.kill('SIGTERM');
    }
  } finally {
    await database.drop();
  }
}

async function placeOrder({ baseUrl, token }: RunningProcess): Promise<string> {
  const post = (path: string, body: object) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const productId = randomUUID();
  assert.equal((await post('/inventory/add', stockBody(productId, 5))).status, 200);
  const order = placeOrderBody([{ productId, quantity: 1 }]);
  assert.equal((await post('/orders', order)).status, 202);
  return order.orderId;
}

/** A process starting and exporting in the background: a look that fails is a look too early. */
const patiently = { timeoutMs: 30_000, everyMs: 100, retryOnError: true } as const;

const orderStatus = async ({ baseUrl, token }: RunningProcess, orderId: string) =>
  (
    (await (
      await fetch(`${baseUrl}/orders/${orderId}`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { status: string }
  ).status;

/** Places an order in the running process, and waits until it completes. */
async function placeCompletedOrder(running: RunningProcess): Promise<string> {
  const orderId = await placeOrder(running);
  await until(
    'the order completes',
    async () => (await orderStatus(running, orderId)) === 'completed',
    patiently,
  );
  return orderId;
}

describe('exporting traces over OTLP/HTTP to a collector on a local port', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.stop());

  for (const [protocol, contentType] of [
    ['http/json', 'application/json'],
    ['http/protobuf', 'application/x-protobuf'],
  ] as const) {
    it(`sends an order's whole trace as ${protocol}`, async () => {
      receiver.spans.length = 0;
      receiver.contentTypes.length = 0;
      await withEmbeddedProcess(
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=otlp-test',
        },
        async (running) => {
          const orderId = await placeCompletedOrder(running);
          await until(
            'the order is received as one trace of four services',
            () =>
              assertOneTraceForOrder(receiver.spans, orderId, {
                rootService: 'OrdersService',
                minServices: 4,
              }),
            patiently,
          );
        },
      );
      assert.ok(receiver.contentTypes.length > 0);
      assert.ok(
        receiver.contentTypes.every((type) => type.startsWith(contentType)),
        receiver.contentTypes.join(),
      );
      assert.ok(receiver.resourceAttributes.has('deployment.environment.name=otlp-test'));
    });
  }

  it('exports nothing, and the order still completes, with OTEL_SDK_DISABLED=true', async () => {
    receiver.contentTypes.length = 0;
    await withEmbeddedProcess(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SDK_DISABLED: 'true',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      async (running) => {
        await placeCompletedOrder(running);
        // Ten export intervals: a running exporter would have posted by now.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      },
    );
    assert.deepEqual(receiver.contentTypes, []);
  });
});
