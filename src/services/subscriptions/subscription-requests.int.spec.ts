import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import {
  CancelSubscription,
  SubscribeUser,
  SubscriptionCancellationRejected,
  UserSubscriptionCancelled,
  UserSubscriptionStarted,
  type PayloadOf,
} from '../../../contracts/index.js';
import { describeEachEngine } from '../../../test/support/databases.js';
import { thenProblem } from '../../../test/support/service-spec.js';
import {
  MAX_ATTEMPTS,
  subscribeUserBody,
  subscriptionSpec,
  type SubscriptionJson,
} from '../../../test/support/subscriptions.js';

describeEachEngine('SubscriptionService: retries, repeated requests and the bus', (open) => {
  const {
    activeSubscription,
    attemptsOf,
    cancel,
    db,
    emitted,
    getSubscription,
    json,
    publish,
    sandbox,
    service,
    subscribe,
  } = subscriptionSpec(open);

  it('retries a failing provider with the same idempotency key and records each outcome once', async () => {
    const before = { ...sandbox.performed };
    const body = await activeSubscription({ paymentMethod: 'pm_sandbox_flaky' });
    assert.equal((await cancel(body.subscriptionId, { userId: body.userId })).statusCode, 202);
    await service().settled();

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
    await service().settled();

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
    await service().settled();
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
    thenProblem(reused, 409, 'SUBSCRIPTIONS.REQUEST_ID_REUSED');
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
  });

  it('lists a user’s subscriptions newest first and answers unknown or invalid requests with problems', async () => {
    const userId = randomUUID();
    const first = await activeSubscription({ userId });
    const second = await activeSubscription({ userId });
    const listed = await service().inject({ method: 'GET', url: `/subscriptions?userId=${userId}` });
    assert.deepEqual(
      json<{ subscriptions: SubscriptionJson[] }>(listed).subscriptions.map((s) => s.subscriptionId),
      [second.subscriptionId, first.subscriptionId],
    );

    const missing = await service().inject({ method: 'GET', url: `/subscriptions/${randomUUID()}` });
    assert.equal(missing.statusCode, 404);
    const invalid = await subscribe({
      ...subscribeUserBody(),
      customer: { name: 'Ada', email: 'not-an-email' },
    });
    assert.equal(thenProblem(invalid, 400, 'REQUEST.INVALID').errors?.[0]?.field, '/customer/email');
    const noUser = await cancel(first.subscriptionId, { mode: 'immediately' });
    assert.equal(noUser.statusCode, 400);
    assert.equal((await getSubscription(first.subscriptionId)).status, 'active');
  });

  it('takes SubscribeUser and CancelSubscription from the bus, cancelling once when one intent is published twice', async () => {
    const body = subscribeUserBody();
    await publish(SubscribeUser, body);
    await service().settled();
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
    await service().settled();

    assert.equal((await getSubscription(body.subscriptionId)).status, 'cancelled');
    assert.equal((await emitted(UserSubscriptionCancelled, body.subscriptionId)).length, 1);
    assert.deepEqual(await emitted(SubscriptionCancellationRejected, body.subscriptionId), []);

    await publish(CancelSubscription, command, { idempotencykey: randomUUID() });
    const unknown = randomUUID();
    await publish(CancelSubscription, { ...command, subscriptionId: unknown });
    await service().settled();
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
    await service().settled();
    await publish(CancelSubscription, { ...command, userId: body.userId }, { idempotencykey: intent });
    await service().settled();

    const letters = await db().query<{ reason: string }>(
      `select reason from subscriptions.dead_letters where envelope->>'subject' = $1`,
      [body.subscriptionId],
    );
    assert.equal(letters.length, 1);
    assert.match(letters[0]!.reason, /MESSAGING\.IDEMPOTENCY_KEY_REUSED/);
    assert.equal((await getSubscription(body.subscriptionId)).status, 'active');
  });
});
