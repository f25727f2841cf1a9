import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startDistributedDomain, type DistributedDomain } from '../distributed/support/domain.js';
import { describeDistributed } from '../distributed/support/infrastructure.js';
import { placeStockedOrder } from '../distributed/support/load.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { assertOneTraceForOrder } from '../support/traces.js';
import { until } from '../support/until.js';

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
    const orderId = await placeStockedOrder(domain!, 1);
    await domain!.settled();

    await until(
      'the order is received as one trace of the gateway and four services',
      () => {
        const trace = assertOneTraceForOrder(receiver.spans, orderId, {
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
        return true;
      },
      // Spans arrive in batches: assertions on them fail until the last batch is in.
      { timeoutMs: 20_000, everyMs: 200, retryOnError: true },
    );
  });
});
