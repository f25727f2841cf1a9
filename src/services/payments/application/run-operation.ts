import { PaymentAttemptFailed } from '../../../../contracts/index.js';
import type { Database } from '../../../platform/db/database.js';
import type { Clock } from '../../../platform/kernel/clock.js';
import type { Logger } from '../../../platform/kernel/logger.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import {
  storedActor,
  type MessageOrigin,
  type UnitOfWork,
} from '../../../platform/messaging/unit-of-work.js';
import {
  afterUnavailable,
  reconcileDelayMs,
  type Operation,
  type OperationOutcome,
  type Payment,
  type RetryPolicy,
} from '../domain/index.js';
import {
  finishTurns,
  holdLease,
  type AttemptResult,
  type ClaimedOperation,
  type FinishedTurn,
  type PreparedReference,
} from '../infrastructure/operation-store.js';
import { changePayment, changePayments } from './change-payment.js';
import { clipFailureText, describeJobFailure } from '../../../platform/jobs/job-failure.js';
import type { Bell } from '../../../platform/kernel/bell.js';
import type { GroupMember, Recorded } from '../../../platform/messaging/group-commit.js';
import {
  ProviderOutcomeUnknown,
  ProviderUnavailable,
  type LookupResult,
  type PaymentProvider,
  type ProviderResult,
} from './provider.js';

/**
 * The writes about calls that a claim's operations make side by side: the worker runs those that
 * come together as one statement.
 */
export interface CallRecords {
  /** Counts a call about to be made and marks its operation in doubt (see `startCalls`); its number. */
  start(operationId: string): Promise<number>;
  /** Records the charge the provider prepared for an authorization (see `setReferences`). */
  setReference(prepared: PreparedReference): Promise<void>;
}

export interface OperationDependencies {
  /** How long a claim keeps other workers off an operation: renewed before each provider call. */
  readonly leaseMs: number;
  readonly calls: CallRecords;
  readonly db: Database;
  readonly outbox: Outbox;
  readonly provider: PaymentProvider;
  readonly policy: RetryPolicy;
  readonly bell: Bell;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** Where a turn's outcome is recorded: with the other turns of its claim. */
export type TurnRecorder = Pick<GroupMember<TurnEnd>, 'record'>;

interface Turn {
  readonly deps: OperationDependencies;
  readonly recorder: TurnRecorder;
  readonly claimed: ClaimedOperation;
  readonly operation: Operation;
  readonly payment: Payment;
}

/** What a turn of an operation came to, as `recordTurnEnds` records it. */
export type TurnEnd =
  /** The operation is settled, with its last attempt if it made one, and its payment told. */
  | {
      readonly kind: 'settled';
      readonly turn: Turn;
      readonly outcome: OperationOutcome;
      readonly attempt: AttemptResult | undefined;
    }
  /** The call failed or went unanswered: the operation is tried again after `delayMs`. */
  | {
      readonly kind: 'retry';
      readonly turn: Turn;
      readonly attempt: AttemptResult & { readonly action: 'call' };
      readonly delayMs: number;
      readonly inDoubt: boolean;
      readonly failure: 'unavailable' | 'unknown';
    };

/** Payment rows keep shorter failure texts: they are shown beside each provider call. */
const FAILURE_TEXT_LIMIT = 500;

/**
 * One turn of a claimed operation. An operation in doubt is first reconciled: the provider is asked
 * what became of the unanswered call, and a new call is made only if it never acted on it. Then the
 * call is made (unless the operation lost its reason), and its outcome recorded: success or refusal
 * settle the operation; a provider that did nothing is retried with back-off up to the limit; an
 * unanswered call leaves the operation in doubt until the next turn reconciles it. The outcome of
 * the call is recorded through `recorder`, which may share its transaction with other operations'.
 */
export async function runOperation(
  deps: OperationDependencies,
  claimed: ClaimedOperation,
  payment: Payment | undefined,
  recorder: TurnRecorder,
): Promise<void> {
  const operation = payment?.pending.find((each) => each.operationId === claimed.operationId);
  if (!payment || !operation) {
    await finishTurns(deps.db, [settledWithout(claimed.operationId, deps.clock.now())]);
    return;
  }
  const turn: Turn = { deps, recorder, claimed, operation, payment };
  if (claimed.inDoubt && (await reconcile(turn)) === 'done') return;
  if (await withdrawn(turn)) return;
  if (claimed.attempts >= deps.policy.maxAttempts) {
    // Only after a lookup proved the last unanswered call was never applied.
    const reason = claimed.lastError ?? 'The provider never answered';
    await settle(turn, exhausted('no_answer', reason, claimed.attempts), undefined);
    return;
  }
  await call(turn);
}

async function reconcile(turn: Turn): Promise<'done' | 'call'> {
  const { deps, claimed, operation } = turn;
  let answer: LookupResult;
  try {
    await holdLease(deps.db, operation.operationId, deps.leaseMs);
    answer = await deps.provider.lookup({
      kind: operation.kind,
      reference: referenceOf(turn),
      idempotencyKey: operation.operationId,
    });
  } catch (error) {
    await stillInDoubt(turn, 'unavailable', describe(error));
    return 'done';
  }
  switch (answer.outcome) {
    case 'succeeded':
    case 'refused':
      await settle(turn, outcomeOf(answer, claimed.attempts), {
        number: claimed.attempts,
        action: 'lookup',
        outcome: answer.outcome,
        detail: detailOf(answer),
      });
      return 'done';
    case 'processing':
      await stillInDoubt(turn, 'processing', 'The provider is still processing the call');
      return 'done';
    case 'not_found':
      await finishTurns(deps.db, [
        {
          operationId: operation.operationId,
          attempt: {
            number: claimed.attempts,
            action: 'lookup',
            outcome: 'not_found',
            detail: 'The provider never acted on the call',
            at: deps.clock.now(),
          },
          next: { kind: 'doubt_cleared' },
        },
      ]);
      return 'call';
  }
}

/** The order's authorization is dropped when the order was cancelled before the provider was asked. */
async function withdrawn(turn: Turn): Promise<boolean> {
  const { deps, claimed, operation, payment } = turn;
  if (!payment.cancellation) return false;
  return deps.outbox.run(originOf(claimed), async (uow) => {
    const after = await changePayment(uow, deps.bell, payment.paymentId, {
      type: 'WithdrawOperation',
      operationId: operation.operationId,
    });
    const settled = !after?.pending.some((each) => each.operationId === operation.operationId);
    if (settled) await finishTurns(uow.sql, [settledWithout(operation.operationId, uow.now)]);
    return settled;
  });
}

async function call(turn: Turn): Promise<void> {
  const { deps, operation } = turn;
  const number = await deps.calls.start(operation.operationId);
  let result: ProviderResult;
  try {
    result = await perform(turn);
  } catch (error) {
    if (error instanceof ProviderUnavailable) {
      await unavailable(turn, number, error.code, error.message);
    } else {
      // A timeout, or a failure whose effect cannot be told: treated as unanswered, never as "nothing happened".
      const reason =
        error instanceof ProviderOutcomeUnknown ? `${error.code}: ${error.message}` : describe(error);
      await unanswered(turn, number, reason);
    }
    return;
  }
  await settle(turn, outcomeOf(result, number), {
    number,
    action: 'call',
    outcome: result.outcome,
    detail: detailOf(result),
  });
}

async function perform(turn: Turn): Promise<ProviderResult> {
  const { deps, claimed, operation, payment } = turn;
  const { provider } = deps;
  const idempotencyKey = operation.operationId;
  switch (operation.kind) {
    case 'authorize': {
      let reference = claimed.providerReference ?? undefined;
      if (reference === undefined) {
        // Starting the call has just renewed the lease for it.
        const prepared = await provider.prepare({
          paymentId: payment.paymentId,
          orderId: payment.orderId,
          chargeId: operation.chargeId,
          amount: operation.amount,
          currency: payment.currency,
          capture: operation.capture,
          idempotencyKey,
        });
        if (prepared.outcome === 'refused') return prepared;
        reference = prepared.reference;
        await deps.calls.setReference({ operationId: operation.operationId, reference });
      }
      return provider.authorize({
        reference,
        token: payment.token,
        amount: operation.amount,
        idempotencyKey,
      });
    }
    case 'capture':
      return provider.capture({
        reference: requireReference(turn),
        amount: operation.amount,
        idempotencyKey,
      });
    case 'release':
      return provider.release({ reference: requireReference(turn), idempotencyKey });
    case 'refund':
      return provider.refund({ reference: requireReference(turn), amount: operation.amount, idempotencyKey });
  }
}

/** The provider did nothing: retry after a back-off, or give up after the last attempt. */
async function unavailable(turn: Turn, number: number, code: string, message: string): Promise<void> {
  const { deps, operation } = turn;
  const next = afterUnavailable(deps.policy, number);
  const reason = `${code}: ${message}`;
  const attempt = { number, action: 'call', outcome: 'unavailable', detail: reason } as const;
  if (next.action === 'give_up') {
    await settle(turn, exhausted(code, message, number), attempt);
    return;
  }
  deps.logger.warn(
    { operationId: operation.operationId, attempt: number, reason },
    'payment provider unavailable, will retry',
  );
  await retryLater(turn, attempt, { delayMs: next.delayMs, inDoubt: false, failure: 'unavailable' });
}

/** No answer: the provider may have acted, so the next turn asks it before anything else. */
async function unanswered(turn: Turn, number: number, reason: string): Promise<void> {
  const { deps, claimed, operation } = turn;
  deps.logger.warn(
    { operationId: operation.operationId, attempt: number, reason },
    'payment provider call unanswered, will reconcile',
  );
  await retryLater(
    turn,
    { number, action: 'call', outcome: 'unknown', detail: reason },
    { delayMs: reconcileDelayMs(deps.policy, claimed.lookups), inDoubt: true, failure: 'unknown' },
  );
}

async function stillInDoubt(
  turn: Turn,
  outcome: 'unavailable' | 'processing',
  reason: string,
): Promise<void> {
  const { deps, claimed, operation } = turn;
  await finishTurns(deps.db, [
    {
      operationId: operation.operationId,
      attempt: { number: claimed.attempts, action: 'lookup', outcome, detail: reason, at: deps.clock.now() },
      next: {
        kind: 'retry',
        delayMs: reconcileDelayMs(deps.policy, claimed.lookups + 1),
        inDoubt: true,
        error: reason,
      },
    },
  ]);
}

function retryLater(
  turn: Turn,
  attempt: AttemptResult & { readonly action: 'call' },
  next: { delayMs: number; inDoubt: boolean; failure: 'unavailable' | 'unknown' },
): Promise<void> {
  return turn.recorder.record(originOf(turn.claimed), {
    kind: 'retry',
    turn,
    attempt,
    delayMs: next.delayMs,
    inDoubt: next.inDoubt,
    failure: next.failure,
  });
}

/** Settles the operation with its outcome, for the payment's rules to decide what follows. */
function settle(turn: Turn, outcome: OperationOutcome, attempt: AttemptResult | undefined): Promise<void> {
  return turn.recorder.record(originOf(turn.claimed), { kind: 'settled', turn, outcome, attempt });
}

/**
 * Records the ends of turns in the caller's transaction: the attempts and the operations in one
 * statement, the payments in one more (`changePayments` locks them in key order), and the messages
 * each turn's unit of work emits.
 */
export async function recordTurnEnds(bell: Bell, ends: readonly Recorded<TurnEnd>[]): Promise<void> {
  const [first] = ends;
  if (!first) return;
  await finishTurns(
    first.uow.sql,
    ends.map(({ uow, end }) => finishedTurnOf(end, uow.now)),
  );
  for (const { uow, end } of ends) if (end.kind === 'retry') emitAttemptFailed(uow, end);
  await changePayments(
    first.uow.sql,
    bell,
    ends.flatMap(({ uow, end }) =>
      end.kind === 'settled'
        ? [
            {
              uow,
              paymentId: end.turn.payment.paymentId,
              command: {
                type: 'RecordOutcome',
                operationId: end.turn.operation.operationId,
                outcome: end.outcome,
              } as const,
            },
          ]
        : [],
    ),
  );
}

function finishedTurnOf(end: TurnEnd, now: Date): FinishedTurn {
  const { operationId } = end.turn.operation;
  const attempt = end.attempt && { ...end.attempt, at: now };
  return end.kind === 'settled'
    ? { operationId, attempt, next: { kind: 'settled', at: now } }
    : {
        operationId,
        attempt,
        next: { kind: 'retry', delayMs: end.delayMs, inDoubt: end.inDoubt, error: end.attempt.detail },
      };
}

function emitAttemptFailed(uow: UnitOfWork, end: Extract<TurnEnd, { kind: 'retry' }>): void {
  const { operation, payment } = end.turn;
  uow.emit(
    PaymentAttemptFailed,
    {
      paymentId: payment.paymentId,
      orderId: payment.orderId,
      operation: operation.kind,
      attempt: end.attempt.number,
      outcome: end.failure,
      error: end.attempt.detail,
      nextAttemptAt: new Date(uow.now.getTime() + end.delayMs).toISOString(),
      timestamp: uow.now.toISOString(),
    },
    { idempotencyKey: `${operation.operationId}:attempt-${end.attempt.number}` },
  );
}

const settledWithout = (operationId: string, at: Date): FinishedTurn => ({
  operationId,
  attempt: undefined,
  next: { kind: 'settled', at },
});

function outcomeOf(result: ProviderResult, attempts: number): OperationOutcome {
  return result.outcome === 'succeeded'
    ? { kind: 'succeeded', reference: result.reference }
    : { kind: 'refused', code: result.code, message: clip(result.message), attempts: Math.max(1, attempts) };
}

const exhausted = (code: string, message: string, attempts: number): OperationOutcome => ({
  kind: 'exhausted',
  code,
  message: clip(message),
  attempts: Math.max(1, attempts),
});

const detailOf = (result: ProviderResult): string =>
  result.outcome === 'succeeded'
    ? `${result.summary} (${result.reference})`
    : `${result.code}: ${result.message}`;

/** The provider's reference of the charge the operation acts on. */
function referenceOf(turn: Turn): string | undefined {
  const { claimed, operation, payment } = turn;
  return (
    claimed.providerReference ??
    (operation.kind === 'authorize'
      ? undefined
      : payment.charges.find((charge) => charge.chargeId === operation.chargeId)?.reference)
  );
}

function requireReference(turn: Turn): string {
  const reference = referenceOf(turn);
  if (reference === undefined)
    throw new Error(`operation ${turn.operation.operationId} has no charge to act on`);
  return reference;
}

const originOf = (claimed: ClaimedOperation): MessageOrigin => ({
  correlationId: claimed.correlationId,
  ...(claimed.causationId === null ? {} : { causationId: claimed.causationId }),
  ...(claimed.traceparent === null ? {} : { traceparent: claimed.traceparent }),
  ...storedActor(claimed),
});

const describe = (error: unknown): string => describeJobFailure(error, FAILURE_TEXT_LIMIT);

const clip = (text: string): string => clipFailureText(text, FAILURE_TEXT_LIMIT);
