import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  CapturePayment,
  OrderCancelled,
  RequestPayment,
  type MessageContract,
  type PayloadOf,
} from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { paymentService } from './index.js';
import { until } from '../../../test/support/until.js';

interface PaymentRow {
  status: string;
  state: {
    cancellation?: object;
    charges: { state: string }[];
    refunds: { amount: number; method: string; reason: string; state: string }[];
  };
}

describeEachEngine('PaymentService on its own', (open) => {
  let testDb: TestDatabase;
  let payments: TestHost;

  before(async () => {
    testDb = await open();
    // Retries so slow that a test decides when an unanswered call is reconciled.
    payments = await startTestHost({
      db: testDb.db,
      modules: [paymentService],
      env: { PAYMENT_RETRY_BASE_MS: '600000' },
    });
  });

  after(async () => {
    await payments.stop();
    await testDb.dispose();
  });

  async function restartOperationsWorker(): Promise<void> {
    const workers = payments.host.services.flatMap((service) => service.parts.workers ?? []);
    const worker = workers.find((each) => each.name === 'payment-operations');
    assert.ok(worker, 'the payments operations worker runs');
    await worker.stop();
    worker.start();
  }

  const publish = async <C extends MessageContract>(contract: C, payload: PayloadOf<C>) => {
    const envelope = envelopeFor(contract, payload, {
      correlationid: (payload as { orderId: string }).orderId,
    });
    await payments.bus.publish([{ channel: contract.channel, envelope }]);
    return envelope;
  };

  const request = (token: string): PayloadOf<typeof RequestPayment> => ({
    orderId: randomUUID(),
    userId: randomUUID(),
    amount: 42.5,
    paymentMethod: 'Credit Card',
    paymentToken: `${token}_${randomUUID()}`,
    timestamp: new Date().toISOString(),
  });

  const cancelled = (payment: PayloadOf<typeof RequestPayment>): PayloadOf<typeof OrderCancelled> => ({
    orderId: payment.orderId,
    userId: payment.userId,
    orderItems: [
      { productId: randomUUID(), productName: 'Gear', quantity: 1, unitPrice: 42.5, totalPrice: 42.5 },
    ],
    orderStatus: 'cancelled',
    totalAmount: 42.5,
    cancellationReason: 'changed my mind',
    timestamp: new Date().toISOString(),
  });

  const paymentsOf = (orderId: string) =>
    testDb.db.query<PaymentRow & { payment_id: string }>(
      'select payment_id, status, state from payments.payments where order_id = $1',
      [orderId],
    );

  const sandboxCharges = async (paymentId: string) =>
    (
      await testDb.db.query<{ status: string }>(
        'select status from payments.sandbox_charges where prepare_key like $1',
        [`${paymentId}:%`],
      )
    ).map((row) => row.status);

  it('takes one payment per order, however often it is requested', async () => {
    const payment = request('tok_visa');
    await publish(RequestPayment, payment);
    await publish(RequestPayment, payment);
    await payments.settled();

    const rows = await paymentsOf(payment.orderId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.status, 'authorized');
    assert.deepEqual(await sandboxCharges(rows[0].payment_id), ['requires_capture']);
  });

  it('never asks the provider about an order cancelled before its payment was requested', async () => {
    const payment = request('tok_visa');
    await publish(OrderCancelled, cancelled(payment));
    await payments.settled();
    await publish(RequestPayment, payment);
    await payments.settled();

    const [row] = await paymentsOf(payment.orderId);
    assert.equal(row?.status, 'cancelled');
    assert.deepEqual(
      row.state.charges.map((charge) => charge.state),
      ['abandoned'],
    );
    assert.deepEqual(await sandboxCharges(row.payment_id), []);
  });

  /** Polls the payment of the order until it holds. */
  async function untilPayment(
    orderId: string,
    what: string,
    holds: (row: PaymentRow) => boolean,
  ): Promise<void> {
    await until(what, async () => {
      const [row] = await paymentsOf(orderId);
      return row !== undefined && holds(row);
    });
  }

  it('releases an authorization that the provider confirms only after the order was cancelled', async () => {
    const payment = request('tok_timeout');
    await publish(RequestPayment, payment);
    await untilPayment(payment.orderId, 'the payment exists', () => true);
    let [row] = await paymentsOf(payment.orderId);
    // Recorded with the reschedule, in one transaction: the call is over and left in doubt.
    const unanswered = () =>
      testDb.db.query(
        `select 1 from payments.attempts a join payments.operations o using (operation_id)
         where o.payment_id = $1 and a.outcome = 'unknown' and o.in_doubt`,
        [row!.payment_id],
      );
    await until('the authorization went unanswered', async () => (await unanswered()).length > 0);
    assert.equal(row?.status, 'authorizing');

    await publish(OrderCancelled, cancelled(payment));
    await untilPayment(
      payment.orderId,
      'the cancellation is recorded',
      (each) => each.state.cancellation !== undefined,
    );
    // The reconciliation is due in ten minutes: bring it forward, as a webhook would. Written
    // behind the worker's back, it is found when a worker starts (a webhook rings for it instead).
    await testDb.db.query(
      'update payments.operations set next_attempt_at = now() where payment_id = $1 and in_doubt',
      [row.payment_id],
    );
    await restartOperationsWorker();
    await payments.settled();

    [row] = await paymentsOf(payment.orderId);
    assert.equal(row?.status, 'cancelled');
    assert.deepEqual(
      row.state.refunds.map(({ amount, method, reason, state }) => ({ amount, method, reason, state })),
      [{ amount: 4250, method: 'authorization_release', reason: 'order_cancelled', state: 'succeeded' }],
    );
    assert.deepEqual(await sandboxCharges(row.payment_id), ['canceled']);
  });

  it('dead-letters a capture of a payment that does not exist, with the reason', async () => {
    const envelope = await publish(CapturePayment, {
      orderId: randomUUID(),
      paymentId: randomUUID(),
      amount: 10,
      timestamp: new Date().toISOString(),
    });
    await payments.settled();
    const [letter] = await testDb.db.query<{ reason: string }>(
      'select reason from payments.dead_letters where message_id = $1',
      [envelope.id],
    );
    assert.match(letter?.reason ?? '', /rejected: PAYMENTS\.NOT_FOUND/);
  });
});
