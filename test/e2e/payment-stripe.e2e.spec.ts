import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { domainServices } from '../../src/hosts/domain-services.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import {
  declinedPaymentMethod,
  fakeSecretKey,
  fakeWebhookSecret,
  paymentIntentRoutes,
  startFakeStripe,
  type FakeStripe,
} from '../support/fake-stripe.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { placeOrderBody } from '../support/orders.js';
import { callsOf, paymentsClient } from '../support/payments-client.js';
import { until } from '../support/until.js';

describeEachEngine('paying for orders through Stripe', (open) => {
  let testDb: TestDatabase;
  let fake: FakeStripe;
  let domain: TestHost;
  const client = paymentsClient(() => domain);
  const confirm = '/v1/payment_intents/:id/confirm';

  before(async () => {
    testDb = await open();
    fake = await startFakeStripe({ routes: paymentIntentRoutes });
    domain = await startTestHost({
      db: testDb.db,
      modules: domainServices,
      env: {
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: fakeSecretKey,
        STRIPE_API_BASE: fake.url,
        STRIPE_WEBHOOK_SECRET: fakeWebhookSecret,
        // Generous: the fake shares this process's event loop with PGlite.
        PAYMENT_TIMEOUT_MS: '2000',
        // So long that only a webhook gets an unanswered call reconciled within a test.
        PAYMENT_RETRY_BASE_MS: '600000',
      },
    });
  });

  after(async () => {
    await domain.stop();
    await fake.stop();
    await testDb.dispose();
  });

  const intentsOf = (orderId: string) =>
    [...fake.state.objects.values()].filter(
      (object) =>
        object.object === 'payment_intent' &&
        (object['metadata'] as Record<string, string>)['order_id'] === orderId,
    );

  it('authorizes with a manual-capture PaymentIntent and captures it once the stock has left', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed('pm_card_visa', [{ productId, quantity: 2, price: 12.5 }]);

    assert.equal((await client.order(body.orderId)).status, 'completed');
    const [intent, ...others] = intentsOf(body.orderId);
    assert.equal(others.length, 0);
    assert.equal(intent?.['capture_method'], 'manual');
    assert.equal(intent['status'], 'succeeded');
    assert.equal(intent['amount_received'], 2500);
    const payment = await client.payment(body.orderId);
    assert.equal(payment.charges[0]?.providerReference, intent.id);
  });

  it('cancels the order when Stripe declines the card', async () => {
    const productId = await client.stocked(5);
    const body = await client.placed(declinedPaymentMethod, [{ productId, quantity: 1 }]);

    assert.equal((await client.order(body.orderId)).status, 'cancelled');
    assert.deepEqual(await client.stock(productId), { onHand: 5, reserved: 0, available: 5 });
    assert.deepEqual(callsOf(await client.payment(body.orderId), 'authorize'), ['call:refused']);
  });

  it('refuses a webhook whose signature does not match, changing nothing', async () => {
    const delivery = fake.webhookDelivery(
      'payment_intent.succeeded',
      { id: 'pi_unknown', object: 'payment_intent' },
      { secret: 'whsec_someone_else' },
    );
    const response = await domain.inject({
      method: 'POST',
      url: '/payments/webhooks/stripe',
      payload: delivery.payload,
      headers: delivery.headers,
    });
    assert.equal(response.statusCode, 400);
    assert.equal((JSON.parse(response.body) as { code: string }).code, 'PAYMENTS.WEBHOOK_SIGNATURE_INVALID');
    assert.deepEqual(
      await testDb.db.query('select 1 from payments.webhook_events where event_id = $1', [delivery.eventId]),
      [],
    );
  });

  it('reconciles an unanswered confirmation when Stripe reports it by webhook, and never confirms twice', async () => {
    const productId = await client.stocked(5);
    fake.dropNext('POST', confirm, { count: 1, applied: true });
    const body = placeOrderBody([{ productId, quantity: 1 }]);
    body.payment.transactionId = 'pm_card_visa';
    await domain.inject({ method: 'POST', url: '/orders', payload: body });

    await until(
      'the confirmation reached the fake',
      () => intentsOf(body.orderId)[0]?.['status'] === 'requires_capture',
      { timeoutMs: 15_000 },
    );
    let payment = await until(
      'the unanswered call was recorded',
      async () => {
        const seen = await client.payment(body.orderId);
        return callsOf(seen, 'authorize').includes('call:unknown') && seen;
      },
      { timeoutMs: 15_000 },
    );
    assert.equal(payment.status, 'authorizing');

    const [intent] = intentsOf(body.orderId);
    const delivery = fake.webhookDelivery('payment_intent.amount_capturable_updated', intent!);
    const post = () =>
      domain.inject({
        method: 'POST',
        url: '/payments/webhooks/stripe',
        payload: delivery.payload,
        headers: delivery.headers,
      });
    const first = await post();
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(JSON.parse(first.body), { received: true, duplicate: false });
    assert.deepEqual(JSON.parse((await post()).body), { received: true, duplicate: true });
    await domain.settled();

    assert.equal((await client.order(body.orderId)).status, 'completed');
    payment = await client.payment(body.orderId);
    assert.deepEqual(callsOf(payment, 'authorize'), ['call:unknown', 'lookup:succeeded']);
    const confirmations = fake
      .requestsTo('POST', confirm)
      .filter((request) => request.params['id'] === intent!.id);
    assert.equal(confirmations.length, 1);
  });
});
