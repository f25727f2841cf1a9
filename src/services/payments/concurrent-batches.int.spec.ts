import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, it } from 'node:test';
import { CapturePayment, RequestPayment, type PayloadOf } from '../../../contracts/index.js';
import type { OutgoingMessage } from '../../platform/messaging/bus.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { messageFor } from '../../../test/support/envelopes.js';
import type { TestHost } from '../../../test/support/host.js';
import { deadlocksSoFar, deliverAcrossReplicas, startReplicas } from '../../../test/support/replicas.js';
import { deadLettersOf } from '../../../test/support/service-spec.js';
import { paymentService } from './index.js';

const replicas = 3;
const orderCount = 90;

describeEachEngine('PaymentService: concurrent overlapping batches on several replicas', (open, engine) => {
  let database: TestDatabase;
  let hosts: TestHost[] = [];

  before(async () => {
    database = await open();
    hosts = await startReplicas(database, [paymentService], replicas);
  });

  after(async () => {
    for (const host of hosts) await host.stop();
    await database.dispose();
  });

  const sql = <Row>(text: string, params?: unknown[]) => database.db.query<Row>(text, params);

  /**
   * Every message twice, the copy under an idempotency key of its own so that the inbox lets both
   * through to the handler, as a request made again is: the first copies of the even
   * orders and both copies of the odd ones are dealt over the replicas, so that one order's copies
   * meet in one batch or in batches of two replicas at once.
   */
  function twiceAcrossReplicas(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
    const shares: OutgoingMessage[][] = Array.from({ length: replicas }, () => []);
    messages.forEach((message, index) => {
      const id = randomUUID();
      const copy = { ...message, envelope: { ...message.envelope, id, idempotencykey: id } };
      shares[index % replicas]?.push(message);
      shares[(index + (index % 2)) % replicas]?.push(copy);
    });
    return shares;
  }

  it('starts one payment per order and captures each once, however the requests meet, without a deadlock', async () => {
    const requests: PayloadOf<typeof RequestPayment>[] = Array.from({ length: orderCount }, (_, index) => ({
      orderId: randomUUID(),
      userId: randomUUID(),
      amount: 10 + index,
      paymentMethod: 'Credit Card',
      paymentToken: `tok_visa_${randomUUID()}`,
      timestamp: new Date().toISOString(),
    }));
    const deadlocksBefore = engine === 'postgres' ? await deadlocksSoFar(database) : 0;

    await deliverAcrossReplicas(
      hosts,
      twiceAcrossReplicas(requests.map((payload) => messageFor(RequestPayment, payload))),
    );
    // The operations worker of each replica takes the authorizations after the handlers committed.
    for (const host of hosts) await host.settled(120_000);

    const payments = await sql<{ orderId: string; paymentId: string; status: string; amount: number }>(
      `select order_id::text as "orderId", payment_id::text as "paymentId", status,
         (state->>'amount')::int as amount
       from payments.payments where order_id = any ($1::uuid[])`,
      [requests.map((request) => request.orderId)],
    );
    assert.equal(payments.length, orderCount, 'one payment per order');
    assert.deepEqual(
      payments.filter((payment) => payment.status !== 'authorized'),
      [],
      'every payment authorized',
    );
    const byOrder = new Map(payments.map((payment) => [payment.orderId, payment]));
    const authorizations = await sql<{ paymentId: string; n: number }>(
      `select payment_id::text as "paymentId", count(*)::int as n from payments.operations
       where kind = 'authorize' and payment_id = any ($1::uuid[]) group by 1`,
      [payments.map((payment) => payment.paymentId)],
    );
    assert.equal(authorizations.length, orderCount);
    assert.deepEqual(
      authorizations.filter(({ n }) => n !== 1),
      [],
      'no payment authorized twice',
    );

    await deliverAcrossReplicas(
      hosts,
      twiceAcrossReplicas(
        requests.map(({ orderId, amount }) =>
          messageFor(CapturePayment, {
            orderId,
            paymentId: byOrder.get(orderId)?.paymentId ?? '',
            amount,
            timestamp: new Date().toISOString(),
          }),
        ),
      ),
    );
    for (const host of hosts) await host.settled(120_000);

    assert.deepEqual(await deadLettersOf(database.db, 'payments'), []);
    const captured = await sql<{ paymentId: string; status: string; captures: number }>(
      `select p.payment_id::text as "paymentId", p.status,
         (select count(*)::int from payments.operations o
          where o.payment_id = p.payment_id and o.kind = 'capture') as captures
       from payments.payments p where p.order_id = any ($1::uuid[])`,
      [requests.map((request) => request.orderId)],
    );
    assert.deepEqual(
      captured.filter(({ status, captures }) => status !== 'captured' || captures !== 1),
      [],
      'every payment captured, once',
    );
    const [money] = await sql<{ captures: number; total: number }>(
      `select count(*)::int as captures, coalesce(sum(amount), 0)::int as total from payments.sandbox_captures
       where reference in (select provider_reference from payments.operations
                           where kind = 'capture' and payment_id = any ($1::uuid[]))`,
      [payments.map((payment) => payment.paymentId)],
    );
    assert.deepEqual(money, {
      captures: orderCount,
      total: payments.reduce((sum, payment) => sum + payment.amount, 0),
    });

    if (engine === 'postgres') {
      // A backend reports its deadlocks to the statistics once idle for a moment.
      await sleep(2_000);
      assert.equal((await deadlocksSoFar(database)) - deadlocksBefore, 0, 'deadlocks detected by PostgreSQL');
    }
  });
});
