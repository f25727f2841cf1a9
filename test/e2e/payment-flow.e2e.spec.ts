import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, it } from 'node:test';
import { pino } from 'pino';
import { PaymentProcessed, sourceOf, type PayloadOf } from '../../contracts/index.js';
import { domainServices } from '../../src/hosts/domain-services.js';
import type { Database } from '../../src/platform/db/database.js';
import { looksLikeCardNumber, UUIDS } from '../../src/platform/kernel/card-number.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { envelopeFor } from '../support/envelopes.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody } from '../support/orders.js';
import { assertTimeline, callsOf, paymentsClient, sandboxConfirmations } from '../support/payments-client.js';

/**
 * 15 or 16 digits, spaces or dashes aside, passing the Luhn check: the shape of a card number. The
 * groups of a random UUID can be all digits and pass the check by chance, so UUIDs are left out.
 */
const cardNumbersIn = (text: string): string[] =>
  (text.replace(UUIDS, ' ').match(/(?<![0-9A-Za-z])[3-6](?:[ -]?\d){14,15}(?![0-9A-Za-z])/g) ?? []).filter(
    looksLikeCardNumber,
  );

const cardFieldsIn = (text: string): string[] =>
  text.match(/"(?:cvc|cvv|cvc2|card_?number|pan)"\s*:/gi) ?? [];

/** Everything the services keep: every table of their schemas and the bus, as text. */
async function everythingStored(db: Database): Promise<string> {
  const tables = await db.query<{ schema: string; name: string }>(
    `select table_schema as schema, table_name as name from information_schema.tables
     where table_schema in ('orders', 'inventory', 'notifications', 'payments', 'bus') and table_type = 'BASE TABLE'`,
  );
  const dumps = await Promise.all(
    tables.map(async ({ schema, name }) =>
      (await db.query<{ row: string }>(`select t::text as row from "${schema}"."${name}" t`))
        .map((each) => each.row)
        .join('\n'),
    ),
  );
  return dumps.join('\n');
}

describeEachEngine('paying for orders with the sandbox provider', (open) => {
  let testDb: TestDatabase;
  let domain: TestHost;
  const logs: string[] = [];
  const client = paymentsClient(() => domain);

  before(async () => {
    testDb = await open();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString());
        done();
      },
    });
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      env: { PAYMENT_MAX_ATTEMPTS: '3' },
      logger: pino({ level: 'debug' }, sink),
    });
  });

  after(async () => {
    await domain.stop();
    await testDb.dispose();
  });

  it('authorizes after the reservation, confirms, and captures once the stock has left: the timeline shows each step', async () => {
    const productId = await client.stocked(10);
    const body = await client.placed(`tok_visa_${randomUUID()}`, [{ productId, quantity: 3, price: 12.5 }]);

    const order = await client.order(body.orderId);
    assert.equal(order.status, 'completed');
    assertTimeline(order, [
      'PlaceOrder',
      'ReserveInventory',
      'InventoryReserved',
      'RequestPayment',
      'PaymentInitiated',
      'PaymentProcessed',
      'OrderConfirmed',
      'InventoryAdjusted',
      'CapturePayment',
      'PaymentComplete',
      'OrderCompleted',
    ]);
    const payment = await client.payment(body.orderId);
    assert.equal(payment.status, 'captured');
    assert.equal(payment.userId, body.customer.customerId);
    assert.deepEqual(
      payment.charges.map(({ purpose, amount, state }) => ({ purpose, amount, state })),
      [{ purpose: 'order', amount: 37.5, state: 'captured' }],
    );
    assert.deepEqual(callsOf(payment, 'authorize'), ['call:succeeded']);
    assert.deepEqual(callsOf(payment, 'capture'), ['call:succeeded']);
    assert.deepEqual(await client.stock(productId), { onHand: 7, reserved: 0, available: 7 });
    assert.deepEqual(await client.notificationTypes(body.orderId), [
      'order_confirmation',
      'payment_received',
    ]);

    const published = await testDb.db.query<{ type: string; userId: string }>(
      `select envelope->>'type' as type, envelope->'data'->>'userId' as "userId" from bus.messages
       where envelope->>'source' = $1 and envelope->'data'->>'orderId' = $2`,
      [sourceOf('PaymentService'), body.orderId],
    );
    assert.ok(published.length >= 3);
    assert.ok(
      published.every((message) => message.userId === body.customer.customerId),
      "every payment event names the order's customer",
    );
  });

  it('cancels the order, releases its stock and tells the customer when the payment is declined, without retrying', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_decline_${randomUUID()}`, [{ productId, quantity: 2 }]);

    const order = await client.order(body.orderId);
    assert.equal(order.status, 'cancelled');
    assert.match(order.cancellation?.reason ?? '', /Payment failed: Your card was declined/);
    assertTimeline(
      order,
      ['InventoryReserved', 'RequestPayment', 'PaymentFailed', 'OrderCancelled', 'InventoryReleased'],
      { OrderConfirmed: 0 },
    );
    const payment = await client.payment(body.orderId);
    assert.equal(payment.status, 'cancelled');
    assert.deepEqual(callsOf(payment, 'authorize'), ['call:refused']);
    assert.deepEqual(payment.refunds, [], 'nothing was taken, so nothing is given back');
    assert.deepEqual(await client.stock(productId), { onHand: 5, reserved: 0, available: 5 });
    assert.deepEqual(await client.notificationTypes(body.orderId), ['order_cancelled', 'payment_failed']);
  });

  it('retries a provider that fails transiently, each attempt recorded, and charges once', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_fail_2_${randomUUID()}`, [{ productId, quantity: 1 }]);

    const order = await client.order(body.orderId);
    assert.equal(order.status, 'completed');
    assertTimeline(
      order,
      ['PaymentInitiated', 'PaymentAttemptFailed', 'PaymentAttemptFailed', 'PaymentProcessed'],
      { PaymentProcessed: 1 },
    );
    const payment = await client.payment(body.orderId);
    assert.deepEqual(callsOf(payment, 'authorize'), [
      'call:unavailable',
      'call:unavailable',
      'call:succeeded',
    ]);
    assert.deepEqual(await sandboxConfirmations(testDb.db, payment.paymentId), [3]);
    assert.equal(payment.charges.length, 1);
  });

  it('gives up after the last attempt: the order is cancelled, its stock released, the customer told', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_fail_9_${randomUUID()}`, [{ productId, quantity: 2 }]);

    const order = await client.order(body.orderId);
    assert.equal(order.status, 'cancelled');
    const payment = await client.payment(body.orderId);
    assert.deepEqual(callsOf(payment, 'authorize'), [
      'call:unavailable',
      'call:unavailable',
      'call:unavailable',
    ]);
    assert.deepEqual(await client.stock(productId), { onHand: 5, reserved: 0, available: 5 });
    assert.deepEqual(await client.notificationTypes(body.orderId), ['order_cancelled', 'payment_failed']);
  });

  it('asks the provider about an unanswered authorization before anything else, and never charges twice', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_timeout_${randomUUID()}`, [{ productId, quantity: 1 }]);

    assert.equal((await client.order(body.orderId)).status, 'completed');
    const payment = await client.payment(body.orderId);
    assert.deepEqual(callsOf(payment, 'authorize'), ['call:unknown', 'lookup:succeeded']);
    assert.deepEqual(await sandboxConfirmations(testDb.db, payment.paymentId), [1]);
    assert.equal(payment.status, 'captured');
  });

  it('calls again after an unanswered authorization only once the provider says it never acted on it', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_timeout_unapplied_${randomUUID()}`, [{ productId, quantity: 1 }]);

    assert.equal((await client.order(body.orderId)).status, 'completed');
    const payment = await client.payment(body.orderId);
    assert.deepEqual(callsOf(payment, 'authorize'), ['call:unknown', 'lookup:not_found', 'call:succeeded']);
  });

  it('refunds a paid order that is cancelled, once however often it is cancelled, and restocks it', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(`tok_visa_${randomUUID()}`, [{ productId, quantity: 2, price: 15 }]);
    assert.equal((await client.order(body.orderId)).status, 'completed');

    await client.cancel(body.orderId);
    await client.cancel(body.orderId);
    await domain.settled();

    const payment = await client.payment(body.orderId);
    assert.equal(payment.status, 'cancelled');
    assert.deepEqual(
      payment.refunds.map(({ amount, method, reason, state }) => ({ amount, method, reason, state })),
      [{ amount: 30, method: 'refund', reason: 'order_cancelled', state: 'succeeded' }],
    );
    const [refunds] = await testDb.db.query<{ n: number; total: number }>(
      `select count(*)::int as n, sum(r.amount)::int as total from payments.sandbox_refunds r
       join payments.sandbox_charges c using (reference) where c.prepare_key like $1`,
      [`${payment.paymentId}:%`],
    );
    assert.deepEqual(refunds, { n: 1, total: 3000 });
    assertTimeline(
      await client.order(body.orderId),
      ['OrderCompleted', 'OrderCancelled', 'PaymentRefunded'],
      { PaymentRefunded: 1 },
    );
    assert.deepEqual(await client.stock(productId), { onHand: 5, reserved: 0, available: 5 });
    assert.equal(
      (await client.notificationTypes(body.orderId)).filter((type) => type === 'payment_refunded').length,
      1,
    );
  });

  it('charges the rise of an amendment and refunds its fall, adjusting the stock each time', async () => {
    const productId = await client.stocked(10);
    const body = await client.placed(`tok_visa_${randomUUID()}`, [{ productId, quantity: 2, price: 10 }]);

    await client.amend(body.orderId, productId, 5);
    await domain.settled();
    let order = await client.order(body.orderId);
    assert.equal(order.totalAmount, 50);
    assert.equal(order.amendmentPending, false);
    assert.deepEqual(await client.stock(productId), { onHand: 5, reserved: 0, available: 5 });
    let payment = await client.payment(body.orderId);
    assert.equal(payment.amount, 50);
    assert.deepEqual(
      payment.charges.map(({ purpose, amount, state }) => ({ purpose, amount, state })),
      [
        { purpose: 'order', amount: 20, state: 'captured' },
        { purpose: 'amendment', amount: 30, state: 'captured' },
      ],
    );

    await client.amend(body.orderId, productId, 1);
    await domain.settled();
    order = await client.order(body.orderId);
    assert.equal(order.totalAmount, 10);
    assert.equal(order.amendmentPending, false);
    assert.deepEqual(await client.stock(productId), { onHand: 9, reserved: 0, available: 9 });
    payment = await client.payment(body.orderId);
    assert.equal(payment.amount, 10);
    assert.deepEqual(
      payment.refunds.map(({ amount, reason, state }) => ({ amount, reason, state })),
      [
        { amount: 30, reason: 'order_amended', state: 'succeeded' },
        { amount: 10, reason: 'order_amended', state: 'succeeded' },
      ],
    );
    assertTimeline(order, ['OrderAmended', 'InventoryAmendmentApplied', 'AdjustPayment', 'PaymentAdjusted'], {
      PaymentAdjusted: 2,
    });
  });

  it('rejects an amendment whose rise is declined, says why, and gives the stock back', async () => {
    const productId = await client.stocked(10);
    const body = await client.placed(`tok_single_use_${randomUUID()}`, [
      { productId, quantity: 2, price: 10 },
    ]);

    await client.amend(body.orderId, productId, 4);
    await domain.settled();

    const order = await client.order(body.orderId);
    assert.equal(order.status, 'completed');
    assert.equal(order.items[0]?.quantity, 2);
    assert.equal(order.totalAmount, 20);
    assert.equal(order.amendmentPending, false);
    assertTimeline(order, ['AdjustPayment', 'PaymentAdjustmentFailed', 'OrderAmendmentRejected']);
    assert.deepEqual(await client.stock(productId), { onHand: 8, reserved: 0, available: 8 });
    const payment = await client.payment(body.orderId);
    assert.equal(payment.amount, 20);
    assert.deepEqual(await client.notificationTypes(body.orderId), [
      'amendment_rejected',
      'order_confirmation',
      'payment_received',
    ]);
    const [text] = await testDb.db.query<{ content: string }>(
      `select content from notifications.notifications where order_id = $1 and type = 'amendment_rejected'`,
      [body.orderId],
    );
    assert.match(text?.content ?? '', /declined/);
  });

  it('dead-letters a PaymentProcessed outside the version range NotificationService accepts, with the reason', async () => {
    const payload: PayloadOf<typeof PaymentProcessed> = {
      ...PaymentProcessed.example,
      orderId: randomUUID(),
    };
    for (const dataversion of ['2.0.0', '0.0.1']) {
      const envelope = envelopeFor(PaymentProcessed, payload, { dataversion });
      await domain.bus.publish([{ channel: PaymentProcessed.channel, envelope }]);
      await domain.settled();
      const [letter] = await testDb.db.query<{ reason: string }>(
        `select reason from notifications.dead_letters where message_id = $1 and consumer = 'NotificationService-payment-received'`,
        [envelope.id],
      );
      assert.match(
        letter?.reason ?? '',
        new RegExp(
          `PaymentProcessed version ${dataversion.replace(/\./g, '\\.')} is outside the accepted range \\^1\\.0\\.0`,
        ),
      );
    }
    const notifications = await testDb.db.query(
      `select 1 from notifications.notifications where order_id = $1`,
      [payload.orderId],
    );
    assert.deepEqual(notifications, []);
  });

  it('keeps card numbers and card codes out of every event, stored message, table and log', async () => {
    const productId = await client.stocked(5);
    const withCardNumber = placeOrderBody([{ productId, quantity: 1 }]);
    withCardNumber.payment.transactionId = '4242 4242 4242 4242';
    const refused = await domain.inject({ method: 'POST', url: '/orders', payload: withCardNumber });
    assert.equal(refused.statusCode, 400);
    // Refused at the edge, before validation, storage or logging; the order decider refuses it again on the bus.
    assert.equal((JSON.parse(refused.body) as { code: string }).code, 'REQUEST.CARD_DATA_REFUSED');
    const withCode = placeOrderBody([{ productId, quantity: 1 }]);
    const smuggled = { ...withCode, payment: { ...withCode.payment, cvc: '123' } };
    assert.equal(
      (await domain.inject({ method: 'POST', url: '/orders', payload: smuggled })).statusCode,
      400,
    );
    await domain.settled();

    const stored = await everythingStored(testDb.db);
    assert.ok(stored.includes('PaymentProcessed'), 'the scan sees the payment events');
    assert.deepEqual(cardNumbersIn(stored), []);
    assert.deepEqual(cardFieldsIn(stored), []);
    const logged = logs.join('');
    assert.ok(logged.length > 0, 'the scan sees the logs');
    assert.deepEqual(cardNumbersIn(logged), []);
    assert.deepEqual(cardFieldsIn(logged), []);
  });
});
