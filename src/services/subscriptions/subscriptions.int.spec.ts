import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  SubscriptionCancellationRejected,
  UserSubscriptionCancelled,
  UserSubscriptionRejected,
  UserSubscriptionStarted,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { thenProblem } from '../../../test/support/service-spec.js';
import {
  subscribeUserBody,
  subscriptionSpec,
  type SubscriptionJson,
} from '../../../test/support/subscriptions.js';

describeEachEngine('SubscriptionService: starting and cancelling', (open) => {
  const { service, sandbox, json, subscribe, cancel, getSubscription, emitted, activeSubscription } =
    subscriptionSpec(open);

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
    await service().settled();

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
    thenProblem(reused, 409, 'SUBSCRIPTIONS.ID_REUSED');
  });

  it('rejects the subscription when the provider declines the payment method or does not know the plan', async () => {
    const declined = subscribeUserBody({ paymentMethod: 'pm_sandbox_declined' });
    const unknownPlan = subscribeUserBody({ planId: 'plan_platinum' });
    await subscribe(declined);
    await subscribe(unknownPlan);
    await service().settled();

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
    await service().settled();

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
    await service().settled();

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
    await service().settled();
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
      thenProblem(response, status, `SUBSCRIPTIONS.${code}`);
      const rejections = await emitted(SubscriptionCancellationRejected, subscriptionId);
      assert.deepEqual(
        rejections.map((rejection) => [rejection.reason, rejection.userId]),
        [[reason, userId]],
      );
    }
    await service().settled();

    assert.equal((await getSubscription(active.subscriptionId)).status, 'active');
    assert.equal((await getSubscription(neverStarted.subscriptionId)).status, 'rejected');
    assert.equal((await emitted(UserSubscriptionCancelled, cancelled.subscriptionId)).length, 1);
    assert.deepEqual(await emitted(UserSubscriptionCancelled, active.subscriptionId), []);
  });

  it('tells the requester when the provider refuses the cancellation, and keeps the subscription active', async () => {
    const body = await activeSubscription({ paymentMethod: 'pm_sandbox_cancel_refused' });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service().settled();

    const subscription = await getSubscription(body.subscriptionId);
    assert.equal(subscription.status, 'active');
    assert.equal(subscription.lastCancellationRejection?.reason, 'provider_refused');
    const [rejection] = await emitted(SubscriptionCancellationRejected, body.subscriptionId);
    assert.equal(rejection?.reason, 'provider_refused');
    assert.match(rejection.detail ?? '', /cannot be cancelled/);
    assert.deepEqual(await emitted(UserSubscriptionCancelled, body.subscriptionId), []);
  });
});
