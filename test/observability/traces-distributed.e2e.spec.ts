import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { startDistributedDomain, type DistributedDomain } from '../distributed/support/domain.js';
import { describeDistributed } from '../distributed/support/infrastructure.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { assertOneTraceForOrder } from '../support/traces.js';

describeDistributed('one trace per order [distributed: a process per service, the gateway in front]', () => {
  let receiver: OtlpReceiver;
  let domain: DistributedDomain | undefined;

  before(async () => {
    receiver = await startOtlpReceiver();
    domain = await startDistributedDomain({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
  });
  after(async () => {
    await domain?.dispose();
    await receiver.stop();
  });

  it('records an order placed through the gateway as one trace of the gateway and four services', async () => {
    const productId = randomUUID();
    const stocked = await domain!.request({
      method: 'POST',
      url: '/inventory/add',
      payload: stockBody(productId, 5),
    });
    assert.equal(stocked.statusCode, 200, stocked.body);
    const body = placeOrderBody([{ productId, quantity: 1 }]);
    const placed = await domain!.request({ method: 'POST', url: '/orders', payload: body });
    assert.equal(placed.statusCode, 202, placed.body);
    await domain!.settled();

    const deadline = Date.now() + 20_000;
    for (;;) {
      try {
        const trace = assertOneTraceForOrder(receiver.spans, body.orderId, {
          rootService: 'gateway',
          minServices: 5,
        });
        const services = new Set(trace.map((span) => span.service));
        for (const service of ['OrdersService', 'InventoryService', 'PaymentService', 'NotificationService'])
          assert.ok(services.has(service), `${service} in ${[...services].join(', ')}`);
        assert.ok(
          trace.some(
            (span) =>
              span.attributes['db.system.name'] === 'postgresql' && span.service === 'InventoryService',
          ),
          'the pg instrumentation records the statements of a service',
        );
        assert.ok(trace.some((span) => span.attributes['messaging.system'] === 'nats'));
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  });
});
