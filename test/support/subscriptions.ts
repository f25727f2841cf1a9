import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import type { Envelope, MessageContract, PayloadOf, SubscribeUser } from '../../contracts/index.js';
import { systemClock } from '../../src/platform/kernel/clock.js';
import { SandboxProvider } from '../../src/services/subscriptions/infrastructure/sandbox-provider.js';
import { createSubscriptionService } from '../../src/services/subscriptions/index.js';
import type { TestDatabase } from './databases.js';
import { envelopeFor } from './envelopes.js';
import { startTestHost, type TestHost } from './host.js';
import { publishedBy } from './published.js';

/** A valid SubscribeUser body for a new user and subscription; `overrides` replaces any field. */
export function subscribeUserBody(
  overrides: Partial<PayloadOf<typeof SubscribeUser>> = {},
): PayloadOf<typeof SubscribeUser> {
  const userId = randomUUID();
  return {
    subscriptionId: randomUUID(),
    userId,
    customer: { name: 'Ada Lovelace', email: `ada.${userId.slice(0, 8)}@example.test` },
    planId: 'plan_pro_monthly',
    paymentMethod: 'pm_card_visa',
    timestamp: new Date().toISOString(),
    ...overrides,
  };
}

export const MAX_ATTEMPTS = 3;

export interface SubscriptionJson {
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

/** A SubscriptionService with the sandbox provider on one database for the whole suite, with what its specs use. */
export function subscriptionSpec(open: () => Promise<TestDatabase>) {
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

  return {
    db: () => testDb.db,
    service: () => service,
    sandbox,
    json,
    subscribe,
    cancel,
    getSubscription,
    emitted,
    publish,
    activeSubscription,
    attemptsOf,
  };
}
