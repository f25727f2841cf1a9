import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import {
  SubscriptionCancellationRejected,
  UserSubscriptionCancelled,
  UserSubscriptionRejected,
  UserSubscriptionStarted,
  type MessageContract,
} from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import {
  declinedPaymentMethod,
  fakeSecretKey,
  fakeWebhookSecret,
  startFakeStripe,
  type FakeStripe,
  type StripeObject,
} from '../../../test/support/fake-stripe.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { publishedBy } from '../../../test/support/published.js';
import { subscribeUserBody } from '../../../test/support/subscriptions.js';
import { subscriptionService } from './index.js';

const PRICE = 'price_fake_pro_monthly';

interface SubscriptionJson {
  status: string;
  plan: { planId: string; name: string; amount: number; currency: string; interval: string } | null;
  provider: { name: string; subscriptionId: string } | null;
  currentPeriodEnd: string | null;
  cancellation: { mode: string; endsAt: string; initiatedBy: string } | null;
  lastCancellationRejection: { reason: string } | null;
  rejection: { reason: string; detail: string } | null;
}

describeEachEngine('SubscriptionService with Stripe', (open) => {
  let testDb: TestDatabase;
  let stripe: FakeStripe;
  let service: TestHost;

  before(async () => {
    testDb = await open();
    stripe = await startFakeStripe();
    stripe.addPrice({ id: PRICE, productName: 'Pro', unitAmount: 2900, currency: 'usd', interval: 'month' });
    service = await startTestHost({
      db: testDb.db,
      modules: [subscriptionService],
      env: {
        SUBSCRIPTION_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: fakeSecretKey,
        SUBSCRIPTION_WEBHOOK_SECRET: fakeWebhookSecret,
        STRIPE_API_BASE: stripe.url,
        SUBSCRIPTION_MAX_ATTEMPTS: '4',
      },
    });
  });

  after(async () => {
    await service.stop();
    await stripe.stop();
    await testDb.dispose();
  });

  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const getSubscription = async (subscriptionId: string) =>
    json<SubscriptionJson>(await service.inject({ method: 'GET', url: `/subscriptions/${subscriptionId}` }));
  const cancel = (subscriptionId: string, body: object) =>
    service.inject({ method: 'POST', url: `/subscriptions/${subscriptionId}/cancel`, payload: body });
  const deliver = (delivery: { payload: string; headers: Record<string, string> }) =>
    service.inject({
      method: 'POST',
      url: '/subscriptions/webhooks/stripe',
      payload: delivery.payload,
      headers: delivery.headers,
    });

  const emitted = async <C extends MessageContract>(contract: C, subject: string) =>
    (await publishedBy(testDb.db, 'SubscriptionService', contract, subject)).map((envelope) => envelope.data);

  async function activeSubscription() {
    const body = subscribeUserBody({ planId: PRICE, paymentMethod: 'pm_card_visa' });
    const response = await service.inject({ method: 'POST', url: '/subscriptions', payload: body });
    assert.equal(response.statusCode, 202, response.body);
    await service.settled();
    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    assert.ok(subscription.provider);
    const atStripe = stripe.state.find(subscription.provider.subscriptionId, 'subscription');
    assert.ok(atStripe, 'the subscription exists at Stripe');
    return { body, subscription, atStripe };
  }

  it('creates the customer and the subscription at Stripe, with the plan as Stripe prices it', async () => {
    const { body, subscription, atStripe } = await activeSubscription();

    assert.deepEqual(subscription.plan, {
      planId: PRICE,
      name: 'Pro',
      amount: 29,
      currency: 'USD',
      interval: 'month',
    });
    assert.deepEqual(atStripe['metadata'], { subscriptionId: body.subscriptionId, userId: body.userId });
    const [customer] = stripe
      .requestsTo('POST', '/v1/customers')
      .filter((request) => request.body['email'] === body.customer.email);
    assert.equal(customer?.body['payment_method'], 'pm_card_visa');
    const [started] = await emitted(UserSubscriptionStarted, body.subscriptionId);
    assert.equal(started?.provider, 'stripe');
    assert.equal(started.providerSubscriptionId, atStripe.id);
    assert.equal(started.renewsAt, subscription.currentPeriodEnd);
  });

  it('rejects the subscription when Stripe declines the card, creating nothing to cancel', async () => {
    const body = subscribeUserBody({ planId: PRICE, paymentMethod: declinedPaymentMethod });
    await service.inject({ method: 'POST', url: '/subscriptions', payload: body });
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'rejected');
    assert.match(subscription.rejection?.detail ?? '', /declined/);
    assert.equal(
      (await emitted(UserSubscriptionRejected, body.subscriptionId))[0]?.reason,
      'provider_refused',
    );
  });

  it('cancels at the period end by updating the Stripe subscription', async () => {
    const { body, subscription, atStripe } = await activeSubscription();
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service.settled();

    assert.equal(atStripe['cancel_at_period_end'], true);
    assert.equal(atStripe['status'], 'active');
    const cancelled = await getSubscription(body.subscriptionId);
    assert.equal(cancelled.cancellation?.mode, 'end_of_period');
    assert.equal(cancelled.cancellation.endsAt, subscription.currentPeriodEnd);
  });

  it('retries a failing Stripe with one idempotency key: one cancellation, one event', async () => {
    const { body, atStripe } = await activeSubscription();
    stripe.failNext('DELETE', '/v1/subscriptions/:id', { count: 2, status: 500 });

    const response = await cancel(body.subscriptionId, { userId: body.userId, mode: 'immediately' });
    assert.equal(response.statusCode, 202);
    await service.settled();

    const calls = stripe.requestsTo('DELETE', `/v1/subscriptions/${atStripe.id}`);
    assert.equal(calls.length, 3);
    assert.equal(new Set(calls.map((call) => call.idempotencyKey)).size, 1);
    assert.ok(calls[0]?.idempotencyKey);
    assert.equal(atStripe['status'], 'canceled');
    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    const events = await emitted(UserSubscriptionCancelled, body.subscriptionId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.mode, 'immediately');
  });

  it('turns Stripe refusing the cancellation into a rejection and keeps the subscription', async () => {
    const { body, atStripe } = await activeSubscription();
    stripe.state.objects.delete(atStripe.id);

    await cancel(body.subscriptionId, { userId: body.userId, mode: 'immediately' });
    await service.settled();

    assert.equal(
      (await getSubscription(body.subscriptionId)).lastCancellationRejection?.reason,
      'provider_refused',
    );
    assert.equal(
      (await emitted(SubscriptionCancellationRejected, body.subscriptionId))[0]?.reason,
      'provider_refused',
    );
    assert.deepEqual(await emitted(UserSubscriptionCancelled, body.subscriptionId), []);
  });

  it('reconciles a cancellation made on Stripe’s side into the same event, once however often it is delivered', async () => {
    const { body, atStripe } = await activeSubscription();
    const ended = { ...atStripe, status: 'canceled', canceled_at: 1_780_000_000, ended_at: 1_780_000_000 };
    const delivery = stripe.webhookDelivery('customer.subscription.deleted', ended);

    const first = await deliver(delivery);
    assert.equal(first.statusCode, 200, first.body);
    assert.deepEqual(json(first), { received: true, outcome: 'applied' });
    assert.deepEqual(json(await deliver(delivery)), { received: true, outcome: 'duplicate' });
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'cancelled');
    assert.deepEqual(subscription.cancellation, {
      ...subscription.cancellation,
      mode: 'immediately',
      initiatedBy: 'provider',
      endsAt: new Date(1_780_000_000_000).toISOString(),
    });
    const events = await emitted(UserSubscriptionCancelled, body.subscriptionId);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.initiatedBy, 'provider');
    assert.deepEqual(events[0].customer, body.customer);
  });

  it('reconciles a cancellation at the period end set on Stripe’s side', async () => {
    const { body, subscription, atStripe } = await activeSubscription();
    const periodEnd = Date.parse(subscription.currentPeriodEnd ?? '') / 1000;
    const updated: StripeObject = { ...atStripe, cancel_at_period_end: true, cancel_at: periodEnd };

    assert.equal(
      (await deliver(stripe.webhookDelivery('customer.subscription.updated', updated))).statusCode,
      200,
    );
    await service.settled();

    const cancelled = await getSubscription(body.subscriptionId);
    assert.equal(cancelled.cancellation?.mode, 'end_of_period');
    assert.equal(cancelled.cancellation.endsAt, subscription.currentPeriodEnd);
    assert.equal(cancelled.cancellation.initiatedBy, 'provider');
    const deletedAtPeriodEnd = { ...updated, status: 'canceled', ended_at: periodEnd };
    await deliver(stripe.webhookDelivery('customer.subscription.deleted', deletedAtPeriodEnd));
    await service.settled();
    assert.equal((await emitted(UserSubscriptionCancelled, body.subscriptionId)).length, 1);
  });

  it('publishes one cancellation when Stripe’s webhook echoes a cancellation this service made', async () => {
    const { body, atStripe } = await activeSubscription();
    await cancel(body.subscriptionId, { userId: body.userId, mode: 'immediately' });
    await service.settled();

    await deliver(stripe.webhookDelivery('customer.subscription.deleted', atStripe));
    await service.settled();
    const events = await emitted(UserSubscriptionCancelled, body.subscriptionId);
    assert.deepEqual(
      events.map((event) => event.initiatedBy),
      ['customer'],
    );
  });

  it('refuses a delivery whose signature does not match, changing nothing', async () => {
    const { body, atStripe } = await activeSubscription();
    const forged = stripe.webhookDelivery('customer.subscription.deleted', atStripe, {
      secret: 'whsec_wrong',
    });
    const unsigned = { ...forged, headers: { 'content-type': 'application/json' } };

    for (const delivery of [forged, unsigned]) {
      const response = await deliver(delivery);
      assert.equal(response.statusCode, 400);
      assert.equal(json<{ code: string }>(response).code, 'SUBSCRIPTIONS.WEBHOOK_SIGNATURE_INVALID');
    }
    await service.settled();
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
  });

  it('acknowledges events about subscriptions it did not start, or that change no subscription', async () => {
    const stranger: StripeObject = { id: 'sub_not_ours', object: 'subscription', status: 'canceled' };
    const unknown = await deliver(stripe.webhookDelivery('customer.subscription.deleted', stranger));
    assert.deepEqual(json(unknown), { received: true, outcome: 'unknown_subscription' });
    const other = await deliver(stripe.webhookDelivery('invoice.paid', { id: 'in_1', object: 'invoice' }));
    assert.deepEqual(json(other), { received: true, outcome: 'ignored' });
  });
});
