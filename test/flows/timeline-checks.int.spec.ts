import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { OrderConfirmed } from '../../contracts/index.js';
import { Registry } from 'prom-client';
import {
  checkCounter,
  departureCounter,
  FlowConformanceWorker,
} from '../../src/flows/flow-conformance-worker.js';
import type { ConformanceReport } from '../../src/flows/conformance.js';
import { saveFlowChecks } from '../../src/flows/flow-check-repository.js';
import { checkDelayMs } from '../../src/flows/order-flows.js';
import { recordForCheck } from '../../src/flows/timeline-repository.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import type { Database } from '../../src/platform/db/database.js';
import { ordersService } from '../../src/services/orders/index.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { envelopeFor } from '../support/envelopes.js';
import { startTestHost } from '../support/host.js';
import { placeOrderBody } from '../support/orders.js';

const inOneHour = () => new Date(Date.now() + 3_600_000);

describeEachEngine('recording messages on timelines and asking for their checks', (open) => {
  let testDb: TestDatabase;
  let db: Database;
  let correlationId: string;
  let orderId: string;

  before(async () => {
    testDb = await open();
    db = testDb.db;
    const orders = await startTestHost({ db, modules: [ordersService] });
    const body = placeOrderBody([{ productId: randomUUID(), quantity: 1 }]);
    const placed = await orders.inject({ method: 'POST', url: '/orders', payload: body });
    assert.equal(placed.statusCode, 202, placed.body);
    await orders.settled();
    await orders.stop();
    orderId = body.orderId;
    const [order] = await db.query<{ correlationId: string }>(
      'select correlation_id as "correlationId" from orders.orders where order_id = $1',
      [orderId],
    );
    assert.ok(order);
    correlationId = order.correlationId;
  });

  after(async () => {
    await testDb.dispose();
  });

  const checkDue = async () => {
    const [row] = await db.query<{ dueAt: Date | null }>(
      'select due_at as "dueAt" from orders.flow_checks where correlation_id = $1',
      [correlationId],
    );
    return row?.dueAt ?? null;
  };
  const timelineIds = async (correlation: string) =>
    (
      await db.query<{ messageId: string }>(
        'select message_id as "messageId" from orders.timeline where correlation_id = $1 order by seq',
        [correlation],
      )
    ).map((row) => row.messageId);
  const confirmation = (overrides: { id?: string; correlationid?: string } = {}) =>
    envelopeFor(
      OrderConfirmed,
      { ...OrderConfirmed.example, orderId },
      { correlationid: correlationId, ...overrides },
    );

  it('asks for a check of a timeline that grew, and none for a message it already holds', async () => {
    await db.query('update orders.flow_checks set due_at = null where correlation_id = $1', [correlationId]);
    const recorded = await timelineIds(correlationId);
    const again = confirmation({ id: recorded.at(-1) as string });

    await recordForCheck(db, [again], new Date(), inOneHour());
    assert.equal(await checkDue(), null, 'a message recorded before asked for a check');
    assert.deepEqual(await timelineIds(correlationId), recorded);

    const first = inOneHour();
    const grown = confirmation();
    await recordForCheck(db, [grown, again], new Date(), first);
    assert.deepEqual(await checkDue(), first);
    assert.deepEqual(await timelineIds(correlationId), [...recorded, grown.id]);

    await recordForCheck(db, [confirmation()], new Date(), new Date(first.getTime() + 60_000));
    assert.deepEqual(await checkDue(), first, 'a later message moved a check already asked for');
  });

  it('records nothing, and asks for no check, for a message of no known order', async () => {
    const stranger = randomUUID();
    await recordForCheck(db, [confirmation({ correlationid: stranger })], new Date(), inOneHour());
    assert.deepEqual(await timelineIds(stranger), []);
    const checks = await db.query('select 1 from orders.flow_checks where correlation_id = $1', [stranger]);
    assert.equal(checks.length, 0);
  });

  it('stores a report of a long path as written, uncompressed', async () => {
    const report: ConformanceReport = {
      conforms: true,
      runs: [],
      path: Array.from({ length: 20 }, (_, index) => ({
        messageId: randomUUID(),
        type: 'OrderConfirmed',
        version: '1.0.0',
        time: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString(),
        flow: 'OrderFulfilment',
        step: `step-${index}`,
        verdict: 'conforms' as const,
      })),
      departures: [],
      nextCheckAt: null,
    };
    await saveFlowChecks(db, [{ correlationId, report }], new Date());
    const [stored] = await db.query<{ written: number; kept: number; report: ConformanceReport }>(
      `select octet_length(report::text) as written, pg_column_size(report) as kept, report
       from orders.flow_checks where correlation_id = $1`,
      [correlationId],
    );
    assert.ok(stored);
    assert.deepEqual(stored.report, report);
    assert.ok(
      stored.written > 2_500,
      `a report past the size PostgreSQL compresses from (${stored.written} bytes)`,
    );
    assert.ok(stored.kept >= stored.written, `kept in ${stored.kept} bytes for ${stored.written} written`);
  });

  it('gathers the checks asked for 200 ms longer for each check made in the last second', async () => {
    await db.query('update orders.flow_checks set due_at = null');
    const found = 7;
    await db.query(
      `insert into orders.flow_checks (correlation_id, due_at)
       select 'gathered-' || n, now() - interval '1 second' from generate_series(1, $1::int) as n`,
      [found],
    );
    const registry = new Registry();
    const checker = new FlowConformanceWorker({
      db,
      clock: systemClock,
      logger: createLogger({ level: 'silent' }),
      departures: departureCounter(registry),
      checks: checkCounter(registry),
    });
    const now = new Date();
    assert.equal(checker.checkDueAt(now).getTime() - now.getTime(), checkDelayMs, 'before any claim');

    checker.start();
    try {
      for (let waited = 0; (await checker.backlog()) > 0; waited += 20) {
        assert.ok(waited < 10_000, 'the checker claimed the checks due');
        await sleep(20);
      }
    } finally {
      await checker.stop();
    }
    assert.equal(
      checker.checkDueAt(now).getTime() - now.getTime(),
      found * checkDelayMs,
      'the delay after seven checks made',
    );
  });
});
