import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { describeEachEngine, type TestDatabase } from '../../../../../test/support/databases.js';
import {
  declinedPaymentMethod,
  fakeSecretKey,
  paymentIntentRoutes,
  startFakeStripe,
  type FakeStripe,
} from '../../../../../test/support/fake-stripe.js';
import { migrate } from '../../../../platform/db/migrations.js';
import {
  ProviderOutcomeUnknown,
  ProviderUnavailable,
  type PaymentProvider,
  type PrepareRequest,
} from '../../application/provider.js';
import { paymentMigrations } from '../migrations.js';
import { createSandboxProvider } from './sandbox-provider.js';
import { createStripeProvider } from './stripe-provider.js';

/** A provider under test, with the means to make its next authorization behave a given way. */
interface ProviderHarness {
  readonly provider: PaymentProvider;
  /** A token whose authorization is approved. */
  approving(): string;
  /** A token whose authorization is declined. */
  declining(): string;
  /** A token whose next `times` authorization calls find the provider busy: nothing is applied. */
  busy(times: number): string;
  /** A token whose next authorization is applied, but the answer is lost on the way back. */
  answerLost(): string;
  /** A token whose next authorization call never reaches the provider, and goes unanswered. */
  requestLost(): string;
}

/** A charge of 59.98 USD, to be captured later, under new ids and a new idempotency key. */
const charge = (overrides: Partial<PrepareRequest> = {}): PrepareRequest => ({
  paymentId: randomUUID(),
  orderId: randomUUID(),
  chargeId: randomUUID(),
  amount: 5998,
  currency: 'usd',
  capture: false,
  idempotencyKey: `${randomUUID()}:authorize`,
  ...overrides,
});

/** Prepares the charge with the provider; resolves with the provider's reference to it. */
async function preparedBy(provider: PaymentProvider, request: PrepareRequest): Promise<string> {
  const result = await provider.prepare(request);
  assert.equal(result.outcome, 'prepared');
  return result.reference;
}

/** A prepared charge, with the calls that authorize it with `token` and look that authorization up. */
async function preparedCharge(provider: PaymentProvider, token: string, request = charge()) {
  const reference = await preparedBy(provider, request);
  const { amount, idempotencyKey } = request;
  return {
    reference,
    authorize: () => provider.authorize({ reference, token, amount, idempotencyKey }),
    lookUp: () => provider.lookup({ kind: 'authorize', reference, idempotencyKey }),
  };
}

/**
 * What every provider must do for the payment service to be correct with it: the same suite runs
 * against the sandbox and against Stripe (through the SDK, pointed at the local fake).
 */
function providerContract(harness: () => ProviderHarness): void {
  const provider = () => harness().provider;
  const prepared = (request: PrepareRequest) => preparedBy(provider(), request);

  async function authorized(token = harness().approving(), request = charge()) {
    const { reference, authorize } = await preparedCharge(provider(), token, request);
    assert.deepEqual(await authorize(), { outcome: 'succeeded', reference, summary: 'Approved' });
    return { reference, request };
  }

  it('prepares one charge per idempotency key, moving no money', async () => {
    const request = charge();
    const first = await prepared(request);
    assert.equal(await prepared(request), first);
    assert.notEqual(await prepared(charge()), first);
    assert.deepEqual(
      await provider().lookup({
        kind: 'authorize',
        reference: first,
        idempotencyKey: request.idempotencyKey,
      }),
      { outcome: 'not_found' },
    );
  });

  it('authorizes, then captures what was authorized', async () => {
    const { reference, request } = await authorized();
    const key = request.idempotencyKey;
    assert.equal(
      (await provider().lookup({ kind: 'authorize', reference, idempotencyKey: key })).outcome,
      'succeeded',
    );
    assert.deepEqual(
      await provider().lookup({ kind: 'capture', reference, idempotencyKey: `${key}:capture` }),
      {
        outcome: 'not_found',
      },
    );
    const captured = await provider().capture({ reference, amount: 5998, idempotencyKey: `${key}:capture` });
    assert.equal(captured.outcome, 'succeeded');
    assert.equal(
      (await provider().lookup({ kind: 'capture', reference, idempotencyKey: `${key}:capture` })).outcome,
      'succeeded',
    );
  });

  it('refuses a declined payment method for good, and says so when asked later', async () => {
    const { authorize, lookUp } = await preparedCharge(provider(), harness().declining());
    const result = await authorize();
    assert.ok(result.outcome === 'refused', `refused, not ${result.outcome}`);
    assert.match(result.code, /decline/);
    assert.equal((await lookUp()).outcome, 'refused');
  });

  it('reports a busy provider as unavailable, and the same call goes through afterwards', async () => {
    const { authorize, lookUp } = await preparedCharge(provider(), harness().busy(1));
    await assert.rejects(authorize(), ProviderUnavailable);
    assert.deepEqual(await lookUp(), { outcome: 'not_found' });
    assert.equal((await authorize()).outcome, 'succeeded');
  });

  it('reports a lost answer as unknown; a lookup finds the authorization, and a retry does not repeat it', async () => {
    const { reference, authorize, lookUp } = await preparedCharge(provider(), harness().answerLost());
    await assert.rejects(authorize(), ProviderOutcomeUnknown);
    assert.deepEqual(await lookUp(), { outcome: 'succeeded', reference, summary: 'Approved' });
    assert.deepEqual(await authorize(), { outcome: 'succeeded', reference, summary: 'Approved' });
    assert.equal(
      (await provider().capture({ reference, amount: 5998, idempotencyKey: `${reference}:c` })).outcome,
      'succeeded',
    );
    const again = await provider().capture({ reference, amount: 5998, idempotencyKey: `${reference}:c2` });
    assert.equal(again.outcome, 'refused', 'a second capture finds nothing more authorized');
  });

  it('reports a lost request as unknown; a lookup finds nothing done, and the call can be made again', async () => {
    const { authorize, lookUp } = await preparedCharge(provider(), harness().requestLost());
    await assert.rejects(authorize(), ProviderOutcomeUnknown);
    assert.deepEqual(await lookUp(), { outcome: 'not_found' });
    assert.equal((await authorize()).outcome, 'succeeded');
  });

  it('releases an uncaptured authorization, after which nothing can be captured', async () => {
    const { reference } = await authorized();
    assert.equal(
      (await provider().release({ reference, idempotencyKey: `${reference}:release` })).outcome,
      'succeeded',
    );
    assert.equal(
      (await provider().lookup({ kind: 'release', reference, idempotencyKey: `${reference}:release` }))
        .outcome,
      'succeeded',
    );
    const capture = await provider().capture({
      reference,
      amount: 5998,
      idempotencyKey: `${reference}:capture`,
    });
    assert.equal(capture.outcome, 'refused');
  });

  it('refunds once per idempotency key, and never more than was captured', async () => {
    const { reference } = await authorized(harness().approving(), charge({ capture: true }));
    const refund = (amount: number, idempotencyKey: string) =>
      provider().refund({ reference, amount, idempotencyKey });
    const first = await refund(2000, `${reference}:refund-a`);
    assert.equal(first.outcome, 'succeeded');
    assert.deepEqual(await refund(2000, `${reference}:refund-a`), first);
    assert.deepEqual(
      await provider().lookup({ kind: 'refund', reference, idempotencyKey: `${reference}:refund-a` }),
      first,
    );
    assert.deepEqual(
      await provider().lookup({ kind: 'refund', reference, idempotencyKey: `${reference}:refund-never` }),
      { outcome: 'not_found' },
    );
    assert.equal((await refund(4000, `${reference}:refund-b`)).outcome, 'refused');
    assert.equal((await refund(3998, `${reference}:refund-c`)).outcome, 'succeeded');
  });

  it('knows nothing of a charge that was never prepared', async () => {
    assert.deepEqual(
      await provider().lookup({ kind: 'authorize', reference: undefined, idempotencyKey: 'x' }),
      {
        outcome: 'not_found',
      },
    );
  });
}

describeEachEngine('the sandbox provider', (open) => {
  let testDb: TestDatabase;
  let sandbox: PaymentProvider;

  before(async () => {
    testDb = await open();
    await migrate(testDb.db, 'payments', paymentMigrations);
    sandbox = createSandboxProvider(testDb.db);
  });

  after(() => testDb.dispose());

  const unique = (prefix: string) => `${prefix}_${randomUUID()}`;
  providerContract(() => ({
    provider: sandbox,
    approving: () => unique('tok_visa'),
    declining: () => unique('tok_decline'),
    busy: (times) => unique(`tok_fail_${times}`),
    answerLost: () => unique('tok_timeout'),
    requestLost: () => unique('tok_timeout_unapplied'),
  }));

  it('declines a single-use token the second time it is used', async () => {
    const token = unique('tok_single_use');
    const authorize = async () =>
      (await preparedCharge(sandbox, token, charge({ amount: 100, capture: true }))).authorize();
    assert.equal((await authorize()).outcome, 'succeeded');
    assert.equal((await authorize()).outcome, 'refused');
  });

  it('books each capture it carries out once: a repeat under the same key replays it', async () => {
    const request = charge({ amount: 100 });
    const key = request.idempotencyKey;
    const { reference, authorize } = await preparedCharge(sandbox, unique('tok_visa'), request);
    assert.equal((await authorize()).outcome, 'succeeded');
    const capture = (idempotencyKey: string) => sandbox.capture({ reference, amount: 100, idempotencyKey });
    assert.equal((await capture(`${key}:capture`)).outcome, 'succeeded');
    assert.equal((await capture(`${key}:capture`)).outcome, 'succeeded');
    assert.equal((await capture(`${key}:another`)).outcome, 'refused');
    assert.deepEqual(
      await testDb.db.query(
        'select idempotency_key, amount::int as amount from payments.sandbox_captures where reference = $1',
        [reference],
      ),
      [{ idempotency_key: `${key}:capture`, amount: 100 }],
    );
  });
});

describe('the Stripe provider, against the local fake', () => {
  let fake: FakeStripe;
  let stripe: PaymentProvider;
  const confirm = '/v1/payment_intents/:id/confirm';

  before(async () => {
    fake = await startFakeStripe({ routes: paymentIntentRoutes });
    stripe = createStripeProvider({ secretKey: fakeSecretKey, apiBase: fake.url, timeoutMs: 1000 });
  });

  after(() => fake.stop());

  providerContract(() => ({
    provider: stripe,
    approving: () => 'pm_card_visa',
    declining: () => declinedPaymentMethod,
    busy: (times) => {
      fake.failNext('POST', confirm, { count: times, status: 429 });
      return 'pm_card_visa';
    },
    answerLost: () => {
      fake.dropNext('POST', confirm, { count: 1, applied: true });
      return 'pm_card_visa';
    },
    requestLost: () => {
      fake.dropNext('POST', confirm, { count: 1, applied: false });
      return 'pm_card_visa';
    },
  }));

  it('sends the same idempotency key on every retry of an operation', async () => {
    const request = charge({ amount: 1000 });
    const key = request.idempotencyKey;
    const { reference, authorize } = await preparedCharge(stripe, 'pm_card_visa', request);
    fake.failNext('POST', confirm, { count: 2, status: 429 });
    await assert.rejects(authorize(), ProviderUnavailable);
    await assert.rejects(authorize(), ProviderUnavailable);
    assert.equal((await authorize()).outcome, 'succeeded');
    const keys = fake
      .requestsTo('POST', confirm)
      .filter((request) => request.params['id'] === reference)
      .map((request) => request.idempotencyKey);
    assert.deepEqual(keys, [`${key}:confirm`, `${key}:confirm`, `${key}:confirm`]);
  });

  it('treats a Stripe server error as an unknown outcome, to be reconciled', async () => {
    const { authorize } = await preparedCharge(stripe, 'pm_card_visa', charge({ amount: 1000 }));
    fake.failNext('POST', confirm, { count: 1, status: 500 });
    await assert.rejects(authorize(), ProviderOutcomeUnknown);
  });
});
