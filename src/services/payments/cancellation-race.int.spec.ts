import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { OrderCancelled, RequestPayment, type PayloadOf } from '../../../contracts/index.js';
import type { Database, Sql } from '../../platform/db/database.js';
import { describePostgres, type TestDatabase } from '../../../test/support/databases.js';
import { messageFor } from '../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { until } from '../../../test/support/until.js';
import { decide, evolve, type Payment } from './domain/index.js';
import {
  insertPayments,
  rememberCancellations,
  serializeOrders,
} from './infrastructure/payment-repository.js';
import { paymentService } from './index.js';

/** What each transaction holds while the other one runs: well past the time a handler takes. */
const holdMs = 600;

describePostgres('PaymentService: a payment request and a cancellation of one order at once', (open) => {
  let database: TestDatabase;
  let payments: TestHost;
  let otherConnection: Database;

  before(async () => {
    database = await open();
    payments = await startTestHost({ db: database.db, modules: [paymentService] });
    otherConnection = await database.openAnother();
  });

  after(async () => {
    await payments.stop();
    await database.dispose();
  });

  const request = (): PayloadOf<typeof RequestPayment> => ({
    orderId: randomUUID(),
    userId: randomUUID(),
    amount: 42.5,
    paymentMethod: 'Credit Card',
    paymentToken: `tok_visa_${randomUUID()}`,
    timestamp: new Date().toISOString(),
  });

  const paymentOf = async (orderId: string) =>
    (
      await database.db.query<{ status: string; state: Payment }>(
        'select status, state from payments.payments where order_id = $1',
        [orderId],
      )
    )[0];

  /**
   * Runs `work` in a transaction on another connection, as the other handler would, and delivers
   * `message` once it has run: the message's handler meets that transaction still open.
   */
  async function whileOtherTransactionOpen(
    work: (tx: Sql) => Promise<void>,
    message: ReturnType<typeof messageFor>,
  ): Promise<void> {
    let ran: () => void = () => undefined;
    const workDone = new Promise<void>((resolve) => {
      ran = resolve;
    });
    const other = otherConnection.transaction(async (tx) => {
      await work(tx);
      ran();
      await sleep(holdMs);
    });
    await workDone;
    await payments.bus.publish([message]);
    await other;
    await payments.settled();
  }

  it('starts the payment only after the cancellation being recorded commits, and cancels it at once', async () => {
    const payload = request();
    await whileOtherTransactionOpen(
      async (tx) => {
        await serializeOrders(tx, [payload.orderId]);
        await rememberCancellations(
          tx,
          [{ orderId: payload.orderId, reason: 'changed my mind' }],
          new Date(),
        );
      },
      messageFor(RequestPayment, payload),
    );

    const payment = await paymentOf(payload.orderId);
    assert.equal(payment?.status, 'cancelled', 'no money is taken for the cancelled order');
    assert.deepEqual(
      await database.db.query('select 1 from payments.sandbox_charges where prepare_key like $1', [
        `${payment.state.paymentId}:%`,
      ]),
      [],
      'the provider never heard of it',
    );
  });

  it('cancels the payment being started when the cancellation arrives before it commits', async () => {
    const payload = request();
    const now = new Date();
    const started = decide(
      undefined,
      {
        type: 'InitiatePayment',
        paymentId: randomUUID(),
        orderId: payload.orderId,
        userId: payload.userId,
        amount: 4250,
        method: payload.paymentMethod,
        token: payload.paymentToken,
        currency: 'USD',
      },
      now,
    ).reduce<Payment | undefined>(evolve, undefined);
    assert.ok(started);
    await whileOtherTransactionOpen(
      async (tx) => {
        await serializeOrders(tx, [payload.orderId]);
        await insertPayments(tx, [{ payment: started, correlationId: payload.orderId }], now);
      },
      messageFor(OrderCancelled, {
        orderId: payload.orderId,
        userId: payload.userId,
        orderItems: [
          { productId: randomUUID(), productName: 'Gear', quantity: 1, unitPrice: 42.5, totalPrice: 42.5 },
        ],
        orderStatus: 'cancelled',
        totalAmount: 42.5,
        cancellationReason: 'changed my mind',
        timestamp: now.toISOString(),
      }),
    );

    await until('the cancellation reached the payment', async () => {
      const payment = await paymentOf(payload.orderId);
      return payment?.state.cancellation?.reason === 'changed my mind';
    });
  });
});
