import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { CancelSubscription, SubscribeUser, type PayloadOf } from '../../contracts/index.js';
import { notificationService } from '../../src/services/notifications/index.js';
import { subscriptionService } from '../../src/services/subscriptions/index.js';
import { describeEachEngine, type TestDatabase } from '../support/databases.js';
import { envelopeFor } from '../support/envelopes.js';
import {
  fakeSecretKey,
  fakeWebhookSecret,
  startFakeStripe,
  type FakeStripe,
  type StripeObject,
} from '../support/fake-stripe.js';
import { startTestHost, type TestHost } from '../support/host.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { subscribeUserBody } from '../support/subscriptions.js';

const PRICE = 'price_fake_basic_monthly';

interface SubscriptionJson {
  status: string;
  provider: { subscriptionId: string } | null;
  cancellation: { endsAt: string } | null;
}

interface NotificationJson {
  type: string;
  status: string;
}

/** The catalog's CancelSubscription flow, end to end: its two services, Stripe (a local stand-in) and email. */
describeEachEngine('subscribing and cancelling, from request to email', (open) => {
  let testDb: TestDatabase;
  let smtp: TestSmtpServer;
  let stripe: FakeStripe;
  let domain: TestHost;

  before(async () => {
    testDb = await open();
    smtp = await startTestSmtpServer();
    stripe = await startFakeStripe();
    stripe.addPrice({ id: PRICE, productName: 'Basic', unitAmount: 999, currency: 'usd', interval: 'month' });
    domain = await startTestHost({
      db: testDb.db,
      modules: [subscriptionService, notificationService],
      env: {
        SMTP_URL: smtp.url,
        SUBSCRIPTION_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: fakeSecretKey,
        SUBSCRIPTION_WEBHOOK_SECRET: fakeWebhookSecret,
        STRIPE_API_BASE: stripe.url,
      },
    });
  });

  after(async () => {
    await domain.stop();
    await stripe.stop();
    await smtp.stop();
    await testDb.dispose();
  });

  // A generous deadline: PGlite runs every service on one connection, on a machine shared with other suites.
  const settled = () => domain.settled(60_000);
  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const getSubscription = async (subscriptionId: string) =>
    json<SubscriptionJson>(await domain.inject({ method: 'GET', url: `/subscriptions/${subscriptionId}` }));
  const cancel = (subscriptionId: string, body: object) =>
    domain.inject({ method: 'POST', url: `/subscriptions/${subscriptionId}/cancel`, payload: body });
  const emailsTo = (email: string) => smtp.received.filter((message) => message.to.includes(email));
  const cancellationEmailsTo = (email: string) =>
    emailsTo(email).filter((message) => /cancelled/i.test(message.subject));

  async function subscribed() {
    const body = subscribeUserBody({ planId: PRICE });
    assert.equal(
      (await domain.inject({ method: 'POST', url: '/subscriptions', payload: body })).statusCode,
      202,
    );
    await settled();
    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    return { body, subscription };
  }

  it('welcomes the new subscriber, then emails the cancellation once however often it is asked', async () => {
    const { body } = await subscribed();
    const [welcome] = emailsTo(body.customer.email);
    assert.equal(welcome?.subject, 'Welcome to Basic');
    assert.match(welcome.text, /\$9\.99 every month/);

    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await settled();

    const { cancellation } = await getSubscription(body.subscriptionId);
    const emails = cancellationEmailsTo(body.customer.email);
    assert.equal(emails.length, 1);
    assert.equal(emails[0]?.subject, 'Your Basic subscription is cancelled');
    assert.match(emails[0].text, /As you asked/);
    const endDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(
      new Date(cancellation?.endsAt ?? ''),
    );
    assert.ok(emails[0].text.includes(`You keep access until ${endDate}`), emails[0].text);
    const listed = await domain.inject({
      method: 'GET',
      url: `/notifications?recipient=${encodeURIComponent(body.customer.email)}`,
    });
    assert.deepEqual(
      json<{ notifications: NotificationJson[] }>(listed)
        .notifications.map((notification) => [notification.type, notification.status])
        .sort(),
      [
        ['subscription_cancelled', 'sent'],
        ['subscription_started', 'sent'],
      ],
    );
  });

  it('sends no email claiming a cancellation when one is rejected, by the rules or by Stripe', async () => {
    const { body, subscription } = await subscribed();
    assert.equal((await cancel(body.subscriptionId, { userId: randomUUID() })).statusCode, 403);
    assert.equal((await cancel(randomUUID(), { userId: body.userId })).statusCode, 404);
    stripe.state.objects.delete(subscription.provider?.subscriptionId ?? '');
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await settled();

    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
    assert.deepEqual(cancellationEmailsTo(body.customer.email), []);
    assert.equal(emailsTo(body.customer.email).length, 1, 'only the welcome');
  });

  it('emails the customer when the subscription is cancelled on Stripe’s side', async () => {
    const { body, subscription } = await subscribed();
    const atStripe = stripe.state.find(subscription.provider?.subscriptionId ?? '', 'subscription');
    assert.ok(atStripe);
    const ended: StripeObject = {
      ...atStripe,
      status: 'canceled',
      canceled_at: 1_780_000_000,
      ended_at: 1_780_000_000,
    };
    const delivery = stripe.webhookDelivery('customer.subscription.deleted', ended);

    for (let attempt = 0; attempt < 2; attempt += 1) {
      const response = await domain.inject({
        method: 'POST',
        url: '/subscriptions/webhooks/stripe',
        payload: delivery.payload,
        headers: delivery.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
    }
    await settled();

    const emails = cancellationEmailsTo(body.customer.email);
    assert.equal(emails.length, 1);
    assert.match(emails[0]?.text ?? '', /cancelled by our payment provider/);
    assert.match(emails[0]?.text ?? '', /Your access ended on 28 May 2026/);
  });

  it('runs the same flow from commands on the bus', async () => {
    const body = subscribeUserBody({ planId: PRICE });
    await domain.bus.publish([
      { channel: SubscribeUser.channel, envelope: envelopeFor(SubscribeUser, body) },
    ]);
    await settled();
    assert.equal(emailsTo(body.customer.email)[0]?.subject, 'Welcome to Basic');

    const command: PayloadOf<typeof CancelSubscription> = {
      subscriptionId: body.subscriptionId,
      userId: body.userId,
      mode: 'immediately',
      timestamp: new Date().toISOString(),
    };
    await domain.bus.publish([
      { channel: CancelSubscription.channel, envelope: envelopeFor(CancelSubscription, command) },
    ]);
    await settled();

    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    const [email] = cancellationEmailsTo(body.customer.email);
    assert.match(email?.text ?? '', /Your access ended on/);
  });

  it('retries Stripe with one idempotency key when it fails: one cancellation, one email', async () => {
    const { body, subscription } = await subscribed();
    stripe.failNext('POST', '/v1/subscriptions/:id', { count: 2, status: 503 });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await settled();

    const calls = stripe.requestsTo(
      'POST',
      `/v1/subscriptions/${subscription.provider?.subscriptionId ?? ''}`,
    );
    assert.equal(calls.length, 3);
    assert.equal(new Set(calls.map((call) => call.idempotencyKey)).size, 1);
    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    assert.equal(cancellationEmailsTo(body.customer.email).length, 1);
  });
});
