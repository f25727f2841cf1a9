import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import {
  CancelSubscription,
  SubscribeUser,
  SubscriptionCancellationRejected,
  UserSubscriptionCancelled,
  UserSubscriptionRejected,
  UserSubscriptionStarted,
  type Envelope,
  type MessageContract,
  type PayloadOf,
} from '../../../contracts/index.js';
import { describeEachEngine, type TestDatabase } from '../../../test/support/databases.js';
import { envelopeFor } from '../../../test/support/envelopes.js';
import { startTestHost, type TestHost } from '../../../test/support/host.js';
import { publishedBy } from '../../../test/support/published.js';
import { subscribeUserBody } from '../../../test/support/subscriptions.js';
import { systemClock } from '../../platform/kernel/clock.js';
import { SandboxProvider } from './infrastructure/sandbox-provider.js';
import { createSubscriptionService } from './index.js';

const MAX_ATTEMPTS = 3;

interface SubscriptionJson {
  subscriptionId: string;
  userId: string;
  status: string;
  plan: { planId: string; name: string; amount: number; currency: string; interval: string } | null;
  currentPeriodEnd: string | null;
  renewsAt: string | null;
  pendingCancellation: { requestId: string; mode: string } | null;
  cancellation: { mode: string; endsAt: string; initiatedBy: string; requestId: string | null } | null;
  lastCancellationRejection: { reason: string; detail: string | null } | null;
  rejection: { reason: string; detail: string } | null;
}

interface Problem {
  status: number;
  code: string;
}

describeEachEngine('SubscriptionService with the sandbox provider', (open) => {
  let testDb: TestDatabase;
  let service: TestHost;
  const sandbox = new SandboxProvider(systemClock);

  before(async () => {
    testDb = await open();
    service = await startTestHost({
      db: testDb.db,
      modules: [createSubscriptionService({ provider: sandbox })],
      env: {
        SUBSCRIPTION_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      },
    });
  });

  after(async () => {
    await service.stop();
    await testDb.dispose();
  });

  const json = <T>(response: { body: string }) => JSON.parse(response.body) as T;
  const subscribe = (body: object) =>
    service.inject({ method: 'POST', url: '/subscriptions', payload: body });
  const cancel = (subscriptionId: string, body: object, headers: Record<string, string> = {}) =>
    service.inject({
      method: 'POST',
      url: `/subscriptions/${subscriptionId}/cancel`,
      payload: body,
      headers,
    });
  const getSubscription = async (subscriptionId: string) =>
    json<SubscriptionJson>(await service.inject({ method: 'GET', url: `/subscriptions/${subscriptionId}` }));

  /** What the service published about one subscription, in commit order. */
  const emitted = async <C extends MessageContract>(contract: C, subject: string) =>
    (await publishedBy(testDb.db, 'SubscriptionService', contract, subject)).map((envelope) => envelope.data);

  async function publish<C extends MessageContract>(
    contract: C,
    payload: PayloadOf<C>,
    overrides: Partial<Envelope> = {},
  ): Promise<void> {
    await service.bus.publish([
      { channel: contract.channel, envelope: envelopeFor(contract, payload, overrides) },
    ]);
  }

  async function activeSubscription(overrides: Parameters<typeof subscribeUserBody>[0] = {}) {
    const body = subscribeUserBody(overrides);
    assert.equal((await subscribe(body)).statusCode, 202);
    await service.settled();
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
    return body;
  }

  async function attemptsOf(subscriptionId: string, kind: 'start' | 'cancel'): Promise<number[]> {
    const rows = await testDb.db.query<{ attempts: number }>(
      `select attempts from subscriptions.provider_operations where subscription_id = $1 and kind = $2`,
      [subscriptionId, kind],
    );
    return rows.map((row) => row.attempts);
  }

  it('starts a subscription at the provider once, however often it is requested, and publishes what the customer needs', async () => {
    const startsBefore = sandbox.performed.starts;
    const body = subscribeUserBody();

    const first = await subscribe(body);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.headers.location, `/subscriptions/${body.subscriptionId}`);
    assert.equal(json<SubscriptionJson>(first).status, 'pending');
    const again = await subscribe({ ...body, timestamp: new Date().toISOString() });
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    assert.deepEqual(subscription.plan, {
      planId: 'plan_pro_monthly',
      name: 'Pro',
      amount: 29,
      currency: 'USD',
      interval: 'month',
    });
    assert.equal(subscription.renewsAt, subscription.currentPeriodEnd);
    assert.equal(sandbox.performed.starts, startsBefore + 1);
    const started = await emitted(UserSubscriptionStarted, body.subscriptionId);
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]?.customer, body.customer);
    assert.equal(started[0].renewsAt, subscription.renewsAt);
  });

  it('refuses another request under a subscription id already used', async () => {
    const body = await activeSubscription();
    const reused = await subscribe({ ...body, planId: 'plan_basic_monthly' });
    assert.equal(reused.statusCode, 409);
    assert.equal(json<Problem>(reused).code, 'SUBSCRIPTIONS.ID_REUSED');
  });

  it('rejects the subscription when the provider declines the payment method or does not know the plan', async () => {
    const declined = subscribeUserBody({ paymentMethod: 'pm_sandbox_declined' });
    const unknownPlan = subscribeUserBody({ planId: 'plan_platinum' });
    await subscribe(declined);
    await subscribe(unknownPlan);
    await service.settled();

    for (const body of [declined, unknownPlan]) {
      const subscription = await getSubscription(body.subscriptionId);
      assert.equal(subscription.status, 'rejected');
      assert.equal(subscription.rejection?.reason, 'provider_refused');
      const [rejection] = await emitted(UserSubscriptionRejected, body.subscriptionId);
      assert.equal(rejection?.reason, 'provider_refused');
      assert.deepEqual(await emitted(UserSubscriptionStarted, body.subscriptionId), []);
    }
  });

  it('cancels at the end of the paid period through the provider once, and answers a repeated request the same', async () => {
    const body = await activeSubscription();
    const cancellationsBefore = sandbox.performed.cancellations;
    const { currentPeriodEnd } = await getSubscription(body.subscriptionId);

    const first = await cancel(body.subscriptionId, { userId: body.userId, reason: 'Too expensive' });
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(json<SubscriptionJson>(first).status, 'cancelling');
    const again = await cancel(body.subscriptionId, { userId: body.userId, reason: 'Too expensive' });
    assert.equal(again.statusCode, 202);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'cancelled');
    assert.equal(subscription.renewsAt, null);
    assert.equal(subscription.cancellation?.mode, 'end_of_period');
    assert.equal(subscription.cancellation.endsAt, currentPeriodEnd);
    assert.equal(sandbox.performed.cancellations, cancellationsBefore + 1);
    const cancelled = await emitted(UserSubscriptionCancelled, body.subscriptionId);
    assert.equal(cancelled.length, 1);
    assert.equal(cancelled[0]?.initiatedBy, 'customer');
    assert.equal(cancelled[0].reason, 'Too expensive');
    assert.deepEqual(cancelled[0].customer, body.customer);

    const later = await cancel(body.subscriptionId, { userId: body.userId, reason: 'Too expensive' });
    assert.equal(later.statusCode, 202);
    assert.equal(json<SubscriptionJson>(later).status, 'cancelled');
    assert.deepEqual(await emitted(SubscriptionCancellationRejected, body.subscriptionId), []);
  });

  it('cancels immediately when asked to, ending access now', async () => {
    const body = await activeSubscription();
    const before = Date.now();
    assert.equal(
      (await cancel(body.subscriptionId, { userId: body.userId, mode: 'immediately' })).statusCode,
      202,
    );
    await service.settled();

    const { cancellation } = await getSubscription(body.subscriptionId);
    assert.equal(cancellation?.mode, 'immediately');
    assert.ok(Date.parse(cancellation.endsAt) >= before && Date.parse(cancellation.endsAt) <= Date.now());
  });

  it('rejects a cancellation for each reason with an event and a problem, changing nothing', async () => {
    const active = await activeSubscription();
    const cancelled = await activeSubscription();
    assert.equal((await cancel(cancelled.subscriptionId, { userId: cancelled.userId })).statusCode, 202);
    const neverStarted = subscribeUserBody({ paymentMethod: 'pm_sandbox_declined' });
    await subscribe(neverStarted);
    await service.settled();
    const unknown = randomUUID();

    const cases = [
      { subscriptionId: unknown, userId: randomUUID(), status: 404, code: 'NOT_FOUND', reason: 'not_found' },
      {
        subscriptionId: active.subscriptionId,
        userId: randomUUID(),
        status: 403,
        code: 'NOT_OWNER',
        reason: 'not_owner',
      },
      {
        subscriptionId: neverStarted.subscriptionId,
        userId: neverStarted.userId,
        status: 409,
        code: 'NOT_ACTIVE',
        reason: 'not_active',
      },
      {
        subscriptionId: cancelled.subscriptionId,
        userId: cancelled.userId,
        mode: 'immediately',
        status: 409,
        code: 'ALREADY_CANCELLED',
        reason: 'already_cancelled',
      },
    ];
    for (const { subscriptionId, userId, mode, status, code, reason } of cases) {
      const response = await cancel(subscriptionId, { userId, ...(mode ? { mode } : {}) });
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.equal(json<Problem>(response).code, `SUBSCRIPTIONS.${code}`);
      const rejections = await emitted(SubscriptionCancellationRejected, subscriptionId);
      assert.deepEqual(
        rejections.map((rejection) => [rejection.reason, rejection.userId]),
        [[reason, userId]],
      );
    }
    await service.settled();

    assert.equal((await getSubscription(active.subscriptionId)).status, 'active');
    assert.equal((await getSubscription(neverStarted.subscriptionId)).status, 'rejected');
    assert.equal((await emitted(UserSubscriptionCancelled, cancelled.subscriptionId)).length, 1);
    assert.deepEqual(await emitted(UserSubscriptionCancelled, active.subscriptionId), []);
  });

  it('tells the requester when the provider refuses the cancellation, and keeps the subscription active', async () => {
    const body = await activeSubscription({ paymentMethod: 'pm_sandbox_cancel_refused' });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.lastCancellationRejection?.reason, 'provider_refused');
    const [rejection] = await emitted(SubscriptionCancellationRejected, body.subscriptionId);
    assert.equal(rejection?.reason, 'provider_refused');
    assert.match(rejection.detail ?? '', /cannot be cancelled/);
    assert.deepEqual(await emitted(UserSubscriptionCancelled, body.subscriptionId), []);
  });

  it('retries a failing provider with the same idempotency key and records each outcome once', async () => {
    const before = { ...sandbox.performed };
    const body = await activeSubscription({ paymentMethod: 'pm_sandbox_flaky' });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service.settled();

    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    assert.deepEqual(await attemptsOf(body.subscriptionId, 'start'), [3]);
    assert.deepEqual(await attemptsOf(body.subscriptionId, 'cancel'), [3]);
    assert.deepEqual(sandbox.performed, {
      starts: before.starts + 1,
      cancellations: before.cancellations + 1,
    });
    assert.equal((await emitted(UserSubscriptionStarted, body.subscriptionId)).length, 1);
    assert.equal((await emitted(UserSubscriptionCancelled, body.subscriptionId)).length, 1);
  });

  it('reports the provider unavailable after the last attempt, and keeps the subscription active', async () => {
    const body = await activeSubscription({ paymentMethod: 'pm_sandbox_cancel_unavailable' });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service.settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.lastCancellationRejection?.reason, 'provider_unavailable');
    assert.deepEqual(await attemptsOf(body.subscriptionId, 'cancel'), [MAX_ATTEMPTS]);
    const rejections = await emitted(SubscriptionCancellationRejected, body.subscriptionId);
    assert.deepEqual(
      rejections.map((rejection) => rejection.reason),
      ['provider_unavailable'],
    );

    const unavailableStart = subscribeUserBody({ paymentMethod: 'pm_sandbox_unavailable' });
    await subscribe(unavailableStart);
    await service.settled();
    assert.equal(
      (await getSubscription(unavailableStart.subscriptionId)).rejection?.reason,
      'provider_unavailable',
    );
  });

  it('answers a repeated Idempotency-Key with the first answer, and refuses it for a different request', async () => {
    const body = await activeSubscription();
    const key = { 'idempotency-key': randomUUID() };
    const stranger = randomUUID();
    assert.equal((await cancel(body.subscriptionId, { userId: stranger }, key)).statusCode, 403);
    assert.equal((await cancel(body.subscriptionId, { userId: stranger }, key)).statusCode, 403);
    assert.equal((await emitted(SubscriptionCancellationRejected, body.subscriptionId)).length, 1);

    const reused = await cancel(body.subscriptionId, { userId: body.userId }, key);
    assert.equal(reused.statusCode, 409);
    assert.equal(json<Problem>(reused).code, 'SUBSCRIPTIONS.REQUEST_ID_REUSED');
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
  });

  it('lists a user’s subscriptions newest first and answers unknown or invalid requests with problems', async () => {
    const userId = randomUUID();
    const first = await activeSubscription({ userId });
    const second = await activeSubscription({ userId });
    const listed = await service.inject({ method: 'GET', url: `/subscriptions?userId=${userId}` });
    assert.deepEqual(
      json<{ subscriptions: SubscriptionJson[] }>(listed).subscriptions.map((s) => s.subscriptionId),
      [second.subscriptionId, first.subscriptionId],
    );

    const missing = await service.inject({ method: 'GET', url: `/subscriptions/${randomUUID()}` });
    assert.equal(missing.statusCode, 404);
    const invalid = await subscribe({
      ...subscribeUserBody(),
      customer: { name: 'Ada', email: 'not-an-email' },
    });
    assert.equal(invalid.statusCode, 400);
    assert.equal(
      json<Problem & { errors: { field: string }[] }>(invalid).errors[0]?.field,
      '/customer/email',
    );
    const noUser = await cancel(first.subscriptionId, { mode: 'immediately' });
    assert.equal(noUser.statusCode, 400);
    assert.equal((await getSubscription(first.subscriptionId)).status, 'active');
  });

  it('takes SubscribeUser and CancelSubscription from the bus, cancelling once when one intent is published twice', async () => {
    const body = subscribeUserBody();
    await publish(SubscribeUser, body);
    await service.settled();
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');

    const command: PayloadOf<typeof CancelSubscription> = {
      subscriptionId: body.subscriptionId,
      userId: body.userId,
      mode: 'immediately',
      timestamp: new Date().toISOString(),
    };
    const intent = randomUUID();
    await publish(CancelSubscription, command, { idempotencykey: intent });
    await publish(CancelSubscription, command, { idempotencykey: intent });
    await service.settled();

    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    assert.equal((await emitted(UserSubscriptionCancelled, body.subscriptionId)).length, 1);
    assert.deepEqual(await emitted(SubscriptionCancellationRejected, body.subscriptionId), []);

    await publish(CancelSubscription, command, { idempotencykey: randomUUID() });
    const unknown = randomUUID();
    await publish(CancelSubscription, { ...command, subscriptionId: unknown });
    await service.settled();
    assert.deepEqual(
      (await emitted(SubscriptionCancellationRejected, body.subscriptionId)).map((event) => event.reason),
      ['already_cancelled'],
    );
    assert.deepEqual(
      (await emitted(SubscriptionCancellationRejected, unknown)).map((event) => event.reason),
      ['not_found'],
    );
  });

  it('dead-letters a bus command that reuses a request id for another request, changing nothing', async () => {
    const body = await activeSubscription();
    const intent = randomUUID();
    const command = {
      subscriptionId: body.subscriptionId,
      userId: randomUUID(),
      timestamp: new Date().toISOString(),
    };
    await publish(CancelSubscription, command, { idempotencykey: intent });
    await service.settled();
    await publish(CancelSubscription, { ...command, userId: body.userId }, { idempotencykey: intent });
    await service.settled();

    const letters = await testDb.db.query<{ reason: string }>(
      `select reason from subscriptions.dead_letters where envelope->>'subject' = $1`,
      [body.subscriptionId],
    );
    assert.equal(letters.length, 1);
    assert.match(letters[0]!.reason, /MESSAGING\.IDEMPOTENCY_KEY_REUSED/);
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
  });
});
