import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, it } from 'node:test';
import { describeEachEngine, type TestDatabase } from '../../../../test/support/databases.js';
import { migrate } from '../../../platform/db/migrations.js';
import type { OperationKind } from '../domain/index.js';
import { paymentMigrations } from './migrations.js';
import { finishTurns, insertOperations, startCalls, type FinishedTurn } from './operation-store.js';

const LEASE_MS = 60_000;

interface OperationRow {
  status: string;
  attempts: number;
  lookups: number;
  inDoubt: boolean;
  leased: boolean;
  dueInMs: number;
  lastError: string | null;
  settledAt: Date | null;
}

interface AttemptRow {
  number: number;
  action: string;
  outcome: string;
  detail: string | null;
  finished: boolean;
}

describeEachEngine('payment operations: the ends of turns, recorded together', (open) => {
  let database: TestDatabase;
  const sql = <Row>(text: string, params?: unknown[]) => database.db.query<Row>(text, params);

  before(async () => {
    database = await open();
    await migrate(database.db, 'payments', paymentMigrations);
  });

  after(async () => {
    await database.dispose();
  });

  /** A payment with one queued operation of this kind; returns the operation's id. */
  async function queued(kind: OperationKind): Promise<string> {
    const paymentId = randomUUID();
    const now = new Date();
    await sql(
      `insert into payments.payments (payment_id, order_id, user_id, status, correlation_id, state, created_at, updated_at)
       values ($1, $2, $3, 'pending', 'correlation', '{}', $4, $4)`,
      [paymentId, randomUUID(), randomUUID(), now],
    );
    const queuedOperation = {
      operationId: `${paymentId}:${kind}`,
      paymentId,
      kind,
      providerReference: undefined,
      correlationId: 'correlation',
      causationId: undefined,
      traceparent: undefined,
      actor: undefined,
      createdAt: now,
    };
    await insertOperations(database.db, [queuedOperation]);
    return queuedOperation.operationId;
  }

  const operation = async (operationId: string): Promise<OperationRow | undefined> =>
    (
      await sql<OperationRow>(
        `select status, attempts, lookups, in_doubt as "inDoubt", lease_until is not null as leased,
           extract(epoch from next_attempt_at - now())::float8 * 1000 as "dueInMs",
           last_error as "lastError", settled_at as "settledAt"
         from payments.operations where operation_id = $1`,
        [operationId],
      )
    )[0];

  const attempts = (operationId: string) =>
    sql<AttemptRow>(
      `select number, action, outcome, detail, finished_at is not null as finished
       from payments.attempts where operation_id = $1 order by attempt_id`,
      [operationId],
    );

  it('settles, reschedules and clears the doubt of several operations in one call, each as its turn ended', async () => {
    const [settled, unanswered, rateLimited, lookedUp, dropped] = await Promise.all([
      queued('authorize'),
      queued('capture'),
      queued('capture'),
      queued('release'),
      queued('refund'),
    ]);
    const now = new Date();
    assert.deepEqual(await startCalls(database.db, [unanswered], now, LEASE_MS), [1]);
    assert.deepEqual(
      await startCalls(database.db, [lookedUp, settled, unanswered, rateLimited], now, LEASE_MS),
      [1, 1, 2, 1],
      "each call's number, counted in one statement, in the order asked",
    );
    const at = new Date(now.getTime() + 1000);
    const turns: FinishedTurn[] = [
      {
        operationId: settled,
        attempt: { number: 1, action: 'call', outcome: 'succeeded', detail: 'authorized (ch_1)', at },
        next: { kind: 'settled', at },
      },
      {
        operationId: unanswered,
        attempt: { number: 2, action: 'call', outcome: 'unknown', detail: 'timeout', at },
        next: { kind: 'retry', delayMs: 120_000, inDoubt: true, error: 'timeout' },
      },
      {
        operationId: rateLimited,
        attempt: { number: 1, action: 'call', outcome: 'unavailable', detail: 'rate limited', at },
        next: { kind: 'retry', delayMs: 120_000, inDoubt: false, error: 'rate limited' },
      },
      {
        operationId: lookedUp,
        attempt: { number: 1, action: 'lookup', outcome: 'not_found', detail: 'never acted', at },
        next: { kind: 'doubt_cleared' },
      },
      { operationId: dropped, attempt: undefined, next: { kind: 'settled', at } },
    ];
    await finishTurns(database.db, turns);

    const done = await operation(settled);
    assert.deepEqual(
      [done?.status, done?.attempts, done?.lookups, done?.inDoubt, done?.leased, done?.settledAt],
      ['settled', 1, 0, false, false, at],
    );
    assert.deepEqual(await attempts(settled), [
      { number: 1, action: 'call', outcome: 'succeeded', detail: 'authorized (ch_1)', finished: true },
    ]);

    const rescheduled = await operation(unanswered);
    assert.equal(rescheduled?.status, 'pending');
    assert.equal(rescheduled.inDoubt, true, 'still in doubt: the next turn asks the provider first');
    assert.equal(rescheduled.leased, false);
    assert.equal(rescheduled.lastError, 'timeout');
    assert.ok(
      rescheduled.dueInMs > 100_000 && rescheduled.dueInMs <= 120_000,
      `due again after the delay, in ${String(rescheduled.dueInMs)} ms`,
    );
    assert.deepEqual(await attempts(unanswered), [
      { number: 1, action: 'call', outcome: 'started', detail: null, finished: false },
      { number: 2, action: 'call', outcome: 'unknown', detail: 'timeout', finished: true },
    ]);

    const unavailable = await operation(rateLimited);
    assert.deepEqual(
      [unavailable?.status, unavailable?.inDoubt, unavailable?.lastError],
      ['pending', false, 'rate limited'],
      'the provider did nothing: tried again, out of doubt',
    );

    const cleared = await operation(lookedUp);
    assert.deepEqual(
      [cleared?.status, cleared?.lookups, cleared?.inDoubt, cleared?.leased, cleared?.lastError],
      ['pending', 1, false, true, null],
      'pending, one lookup made, out of doubt, and still held for the call that follows',
    );
    assert.deepEqual(await attempts(lookedUp), [
      { number: 1, action: 'call', outcome: 'started', detail: null, finished: false },
      { number: 1, action: 'lookup', outcome: 'not_found', detail: 'never acted', finished: true },
    ]);

    const withoutAttempt = await operation(dropped);
    assert.deepEqual([withoutAttempt?.status, withoutAttempt?.settledAt], ['settled', at]);
    assert.deepEqual(await attempts(dropped), []);
  });

  it('starts no call for an operation that is not there, and says so for it alone', async () => {
    const id = await queued('capture');
    assert.deepEqual(await startCalls(database.db, [id, 'no-such-operation'], new Date(), LEASE_MS), [
      1,
      undefined,
    ]);
  });

  it('leaves an operation settled meanwhile as it is', async () => {
    const id = await queued('capture');
    const at = new Date();
    await finishTurns(database.db, [{ operationId: id, attempt: undefined, next: { kind: 'settled', at } }]);
    await finishTurns(database.db, [
      {
        operationId: id,
        attempt: undefined,
        next: { kind: 'retry', delayMs: 5_000, inDoubt: true, error: 'late' },
      },
    ]);
    const after = await operation(id);
    assert.deepEqual(
      [after?.status, after?.inDoubt, after?.lastError, after?.settledAt],
      ['settled', false, null, at],
    );
  });
});
