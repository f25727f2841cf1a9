import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildHosts } from '../../scripts/build-hosts.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { placeOrderBody, stockBody } from '../support/orders.js';
import { startEmbeddedProcess, type RunningProcess } from '../support/process.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { until } from '../support/until.js';

/**
 * The hosts as `npm start` runs them: bundled by esbuild with their packages. Every other spec runs
 * the TypeScript sources, so this one checks what bundling could break: a package that reads files
 * of its own, requires by computed paths or is hooked at load. The integrations a user turns on by
 * settings are on: mail over SMTP, traces over OTLP/protobuf. The data lives in PGlite, as by default.
 */
describe('the bundled embedded host', () => {
  let bundleDir: string | undefined;
  let dataDir: string | undefined;
  let smtp: TestSmtpServer | undefined;
  let receiver: OtlpReceiver | undefined;
  let running: RunningProcess | undefined;

  before(async () => {
    // Inside the project, so that the packages left out of the bundle resolve from its node_modules.
    await mkdir('.tmp', { recursive: true });
    const bundle = await mkdtemp(join(process.cwd(), '.tmp', 'bundle-'));
    bundleDir = bundle;
    await buildHosts(bundle);
    const data = await mkdtemp(join(tmpdir(), 'orders-bundle-'));
    dataDir = data;
    const [mailbox, collector] = await Promise.all([startTestSmtpServer(), startOtlpReceiver()]);
    smtp = mailbox;
    receiver = collector;
    running = await startEmbeddedProcess(
      {
        DATA_DIR: data,
        SMTP_URL: mailbox.url,
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
      // A first start on a new data directory creates the PGlite cluster.
      120_000,
      join(bundle, 'embedded.js'),
    );
  });

  after(async () => {
    await running?.kill('SIGTERM');
    await Promise.all([smtp?.stop(), receiver?.stop()]);
    for (const dir of [bundleDir, dataDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  const call = (path: string, body?: object) =>
    fetch(`${running!.baseUrl}${path}`, {
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${running!.token}` },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  it('takes an order to completed, mails the customer and exports the trace', async () => {
    const mailbox = smtp!;
    const collector = receiver!;
    const productId = randomUUID();
    assert.equal((await call('/inventory/add', stockBody(productId, 5))).status, 200);
    const order = placeOrderBody([{ productId, quantity: 1 }]);
    assert.equal((await call('/orders', order)).status, 202);
    await until(
      'the order completes',
      async () =>
        ((await (await call(`/orders/${order.orderId}`)).json()) as { status: string }).status ===
        'completed',
      { timeoutMs: 30_000, everyMs: 100 },
    );
    await until(
      () => `an email naming the order, among: ${mailbox.received.map((mail) => mail.subject).join('; ')}`,
      () => mailbox.received.some((mail) => mail.text.includes(order.orderId)),
      { timeoutMs: 30_000, everyMs: 100 },
    );
    await until('spans of the order arrive over OTLP/protobuf', () => collector.spans.length > 0, {
      timeoutMs: 30_000,
      everyMs: 100,
    });
    assert.ok(collector.contentTypes.every((type) => type.startsWith('application/x-protobuf')));
  });

  it('serves the API documents and the interactive docs with their assets', async () => {
    const openapi = await call('/docs/json');
    assert.equal(openapi.status, 200);
    assert.ok(((await openapi.json()) as { paths: object }).paths);
    const page = await call('/docs/');
    assert.equal(page.status, 200);
    assert.match(await page.text(), /swagger/i);
    assert.equal((await call('/docs/static/swagger-ui.css')).status, 200);
    assert.equal((await call('/asyncapi.json')).status, 200);
  });
});
