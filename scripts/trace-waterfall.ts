import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createPostgresDatabase } from '../test/support/databases.js';
import { startOtlpReceiver } from '../test/support/otlp-receiver.js';
import { placeOrderBody, stockBody } from '../test/support/orders.js';
import { startEmbeddedProcess } from '../test/support/process.js';
import type { ReceivedSpan } from '../test/support/traces.js';

/**
 * Places one order on the embedded runtime (on the machine's PostgreSQL) exporting over OTLP to a receiver here, and draws the
 * order's trace as a waterfall (SVG): what the README shows.
 *
 *   npx tsx scripts/trace-waterfall.ts docs/order-trace.svg
 */
const output = process.argv[2] ?? 'docs/order-trace.svg';
const receiver = await startOtlpReceiver();
const database = await createPostgresDatabase();
const running = await startEmbeddedProcess({
  DATABASE_URL: database.url,
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_BSP_SCHEDULE_DELAY: '100',
});
let orderId: string;
try {
  const post = (path: string, body: object) =>
    fetch(`${running.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const productId = randomUUID();
  await post('/inventory/add', stockBody(productId, 5));
  const order = placeOrderBody([{ productId, quantity: 2, price: 12.5 }]);
  orderId = order.orderId;
  await post('/orders', order);
  await new Promise((resolve) => setTimeout(resolve, 5_000));
} finally {
  await running.kill('SIGTERM');
  await receiver.stop();
  await database.drop();
}

const root = receiver.spans.find(
  (span) => span.attributes['order.id'] === orderId && span.parentSpanId === undefined,
);
if (!root) throw new Error('no trace received for the order');
// Statements are left out: a hundred rows of SELECT and INSERT would hide the flow.
const spans = receiver.spans
  .filter((span) => span.traceId === root.traceId && span.kind !== 3)
  .concat(receiver.spans.filter((span) => span.traceId === root.traceId && span.name.startsWith('smtp')));
await writeFile(output, waterfall(ordered(spans, root)));
console.log(`wrote ${output}: ${spans.length} spans of trace ${root.traceId}`);

/** Depth-first from the root, children by start time: the order a trace viewer shows. */
function ordered(all: readonly ReceivedSpan[], top: ReceivedSpan): { span: ReceivedSpan; depth: number }[] {
  const rows: { span: ReceivedSpan; depth: number }[] = [];
  const visit = (span: ReceivedSpan, depth: number) => {
    rows.push({ span, depth });
    const children = all
      .filter((child) => child.parentSpanId === span.spanId)
      .sort((a, b) => (a.startNanos < b.startNanos ? -1 : 1));
    for (const child of children) visit(child, depth + 1);
  };
  visit(top, 0);
  return rows;
}

function waterfall(rows: readonly { span: ReceivedSpan; depth: number }[]): string {
  const colours: Record<string, string> = {
    OrdersService: '#4e79a7',
    InventoryService: '#f28e2b',
    PaymentService: '#59a14f',
    NotificationService: '#b07aa1',
  };
  const start = rows.reduce(
    (min, { span }) => (span.startNanos < min ? span.startNanos : min),
    BigInt(Number.MAX_SAFE_INTEGER) * 1_000_000n,
  );
  const end = rows.reduce((max, { span }) => (span.endNanos > max ? span.endNanos : max), 0n);
  const total = Number(end - start) / 1e6;
  const [labelWidth, barWidth, rowHeight, top] = [520, 560, 20, 40];
  const x = (nanos: bigint) => labelWidth + (Number(nanos - start) / 1e6 / total) * barWidth;
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const lines = rows.map(({ span, depth }, index) => {
    const y = top + index * rowHeight;
    const left = x(span.startNanos);
    const width = Math.max(x(span.endNanos) - left, 1.5);
    const ms = (Number(span.endNanos - span.startNanos) / 1e6).toFixed(1);
    return [
      `<text x="${8 + depth * 12}" y="${y + 14}">${escape(span.service)}: ${escape(span.name)}</text>`,
      `<rect x="${left.toFixed(1)}" y="${y + 4}" width="${width.toFixed(1)}" height="12" fill="${colours[span.service] ?? '#888'}"/>`,
      `<text x="${(left + width + 4).toFixed(1)}" y="${y + 14}" fill="#555">${ms} ms</text>`,
    ].join('');
  });
  const height = top + rows.length * rowHeight + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 80}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="#fff"/>
<text x="8" y="22" font-size="14" font-weight="bold">One order, one trace: ${rows.length} spans, ${total.toFixed(0)} ms (database statements not drawn)</text>
${lines.join('\n')}
</svg>
`;
}
