import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { domainServices } from '../../src/hosts/domain-services.js';
import { startTracing } from '../../src/platform/observability/tracing.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { assertOneTraceForOrder, receivedFromSdk } from '../support/traces.js';

// Before any database module loads pg: the pg instrumentation hooks its `require`.
const exporter = new InMemorySpanExporter();
const tracing = startTracing({
  processName: 'orders-domain',
  services: domainServices.map((module) => module.id),
  exporter,
});
const { describeEachEngine } = await import('../support/databases.js');
const { startTestHost } = await import('../support/host.js');
const { startTestSmtpServer } = await import('../support/smtp-server.js');

after(() => tracing.shutdown());

describeEachEngine('one trace per order [embedded]', (open, engine) => {
  let dispose: () => Promise<void>;
  let domain: Awaited<ReturnType<typeof startTestHost>>;

  before(async () => {
    const testDb = await open();
    const smtp = await startTestSmtpServer();
    domain = await startTestHost({ db: testDb.db, modules: domainServices, env: { SMTP_URL: smtp.url } });
    dispose = async () => {
      await domain.stop();
      await smtp.stop();
      await testDb.dispose();
    };
  });
  after(() => dispose());

  it('records one order as one trace, from the request to the last handler, across the services', async () => {
    const productId = randomUUID();
    await domain.inject({ method: 'POST', url: '/inventory/add', payload: stockBody(productId, 5) });
    await domain.settled();
    exporter.reset();

    const body = placeOrderBody([{ productId, quantity: 2 }]);
    const placed = await domain.inject({ method: 'POST', url: '/orders', payload: body });
    assert.equal(placed.statusCode, 202, placed.body);
    await domain.settled();
    await tracing.flush();

    const trace = assertOneTraceForOrder(exporter.getFinishedSpans().map(receivedFromSdk), body.orderId, {
      rootService: 'OrdersService',
      minServices: 4,
    });
    const services = new Set(trace.map((span) => span.service));
    for (const service of ['OrdersService', 'InventoryService', 'PaymentService', 'NotificationService'])
      assert.ok(services.has(service), `${service} in ${[...services].join(', ')}`);
    const database = trace.filter((span) => span.attributes['db.system.name'] === 'postgresql');
    assert.ok(database.length > 0, `database spans from the ${engine} driver`);
    assert.ok(
      trace.some((span) => span.name.startsWith('smtp')),
      'the confirmation e-mail is sent in the trace',
    );
  });
});
