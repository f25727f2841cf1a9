import { createHash } from 'node:crypto';
import type { Database } from '../../../../platform/db/database.js';
import {
  ProviderOutcomeUnknown,
  ProviderUnavailable,
  type AuthorizeRequest,
  type KeyedRequest,
  type LookupRequest,
  type LookupResult,
  type MoneyRequest,
  type PaymentProvider,
  type PrepareRequest,
  type ProviderResult,
} from '../../application/provider.js';

/**
 * The default provider: deterministic, offline, keeping its books in its own tables. The customer's
 * token (the order's `payment.transactionId`) picks the behaviour of an authorization:
 *
 * | token starts with        | authorization                                                     |
 * | ------------------------ | ----------------------------------------------------------------- |
 * | `tok_decline`            | declined (`card_declined`)                                        |
 * | `tok_fail_<n>`           | the first n calls find the provider busy, then approved           |
 * | `tok_timeout_unapplied`  | the first call goes unanswered and was never applied, then approved |
 * | `tok_timeout`            | the first call is approved but its answer is lost (a timeout)     |
 * | `tok_single_use`         | approved once; any later authorization with the token is declined |
 * | anything else            | approved                                                          |
 */
export function createSandboxProvider(db: Database): PaymentProvider {
  return {
    name: 'sandbox',

    async prepare(request: PrepareRequest) {
      const reference = `sbx_${digest(request.idempotencyKey)}`;
      await db.query(
        `insert into payments.sandbox_charges (reference, prepare_key, amount, currency, capture_at_once, status)
         values ($1, $2, $3, $4, $5, 'requires_confirmation')
         on conflict (prepare_key) do nothing`,
        [reference, request.idempotencyKey, request.amount, request.currency, request.capture],
      );
      return { outcome: 'prepared', reference };
    },

    async authorize(request: AuthorizeRequest) {
      const [confirming] = await db.query<SandboxCharge & { calls: number }>(
        `update payments.sandbox_charges set confirm_calls = confirm_calls + 1, token = $2
         where reference = $1 and status = 'requires_confirmation'
         returning ${chargeColumns}, confirm_calls as calls`,
        [request.reference, request.token],
      );
      if (!confirming) {
        const charge = await chargeOf(db, request.reference);
        // Asked again after it was settled: the same answer, as an idempotent replay gives it.
        return charge.status === 'canceled' ? unexpected(charge) : resultOf(charge);
      }
      const { calls: call, ...charge } = confirming;
      const behaviour = behaviourOf(request.token);
      switch (behaviour.kind) {
        case 'busy':
          if (call <= behaviour.times)
            throw new ProviderUnavailable('processor_busy', 'The sandbox processor is busy');
          break;
        case 'timeout_unapplied':
          if (call === 1) throw new ProviderOutcomeUnknown('timeout', 'The sandbox did not answer in time');
          break;
        case 'decline':
          return settle(db, charge, 'requires_payment_method', 'card_declined');
        case 'single_use':
          if (await usedBefore(db, request.token, request.reference)) {
            return settle(db, charge, 'requires_payment_method', 'card_declined');
          }
          break;
        case 'timeout':
        case 'approve':
          break;
      }
      const approved = await settle(db, charge, charge.captureAtOnce ? 'succeeded' : 'requires_capture');
      if (behaviour.kind === 'timeout' && call === 1) {
        throw new ProviderOutcomeUnknown(
          'timeout',
          'The sandbox approved the payment, but its answer was lost',
        );
      }
      return approved;
    },

    async capture(request: MoneyRequest) {
      const charge = await chargeOf(db, request.reference);
      if (charge.captureKey === request.idempotencyKey) return approvedResult(charge.reference);
      if (charge.status !== 'requires_capture') return unexpected(charge);
      if (request.amount > charge.amount) {
        return { outcome: 'refused', code: 'amount_too_large', message: 'More than was authorized' };
      }
      await db.query(
        `with charge as (
           update payments.sandbox_charges set status = 'succeeded', captured = $2, capture_key = $3
           where reference = $1 returning reference)
         insert into payments.sandbox_captures (idempotency_key, reference, amount)
         select $3, reference, $2 from charge`,
        [charge.reference, request.amount, request.idempotencyKey],
      );
      return approvedResult(charge.reference);
    },

    async release(request: KeyedRequest) {
      const charge = await chargeOf(db, request.reference);
      if (charge.releaseKey === request.idempotencyKey) return approvedResult(charge.reference);
      if (charge.status !== 'requires_capture') return unexpected(charge);
      await db.query(
        `update payments.sandbox_charges set status = 'canceled', release_key = $2 where reference = $1`,
        [charge.reference, request.idempotencyKey],
      );
      return approvedResult(charge.reference);
    },

    async refund(request: MoneyRequest) {
      const existing = await refundOf(db, request.idempotencyKey);
      if (existing) return approvedResult(existing);
      const charge = await chargeOf(db, request.reference);
      if (charge.status !== 'succeeded') return unexpected(charge);
      const [given] = await db.query<{ total: number }>(
        `select coalesce(sum(amount), 0)::float8 as total from payments.sandbox_refunds where reference = $1`,
        [charge.reference],
      );
      if ((given?.total ?? 0) + request.amount > charge.captured) {
        return { outcome: 'refused', code: 'amount_too_large', message: 'More than is left to refund' };
      }
      const refundReference = `sbx_re_${digest(request.idempotencyKey)}`;
      await db.query(
        `insert into payments.sandbox_refunds (idempotency_key, refund_reference, reference, amount)
         values ($1, $2, $3, $4) on conflict (idempotency_key) do nothing`,
        [request.idempotencyKey, refundReference, charge.reference, request.amount],
      );
      return approvedResult(refundReference);
    },

    async lookup(request: LookupRequest): Promise<LookupResult> {
      if (request.reference === undefined) return { outcome: 'not_found' };
      if (request.kind === 'refund') {
        const refund = await refundOf(db, request.idempotencyKey);
        return refund ? approvedResult(refund) : { outcome: 'not_found' };
      }
      const charge = await findCharge(db, request.reference);
      if (!charge) return { outcome: 'not_found' };
      const done: Record<typeof request.kind, readonly string[]> = {
        authorize: ['requires_capture', 'succeeded', 'requires_payment_method'],
        capture: ['succeeded'],
        release: ['canceled'],
      };
      return done[request.kind].includes(charge.status) ? resultOf(charge) : { outcome: 'not_found' };
    },
  };
}

type Behaviour =
  | { kind: 'approve' | 'decline' | 'timeout' | 'timeout_unapplied' | 'single_use' }
  | { kind: 'busy'; times: number };

function behaviourOf(token: string): Behaviour {
  const busy = /^tok_fail_(\d+)/.exec(token);
  if (busy) return { kind: 'busy', times: Number(busy[1]) };
  if (token.startsWith('tok_decline')) return { kind: 'decline' };
  if (token.startsWith('tok_timeout_unapplied')) return { kind: 'timeout_unapplied' };
  if (token.startsWith('tok_timeout')) return { kind: 'timeout' };
  if (token.startsWith('tok_single_use')) return { kind: 'single_use' };
  return { kind: 'approve' };
}

interface SandboxCharge {
  reference: string;
  amount: number;
  captureAtOnce: boolean;
  status: string;
  declineCode: string | null;
  captured: number;
  captureKey: string | null;
  releaseKey: string | null;
}

const chargeColumns = `reference, amount::float8 as amount, capture_at_once as "captureAtOnce", status,
  decline_code as "declineCode", captured::float8 as captured, capture_key as "captureKey",
  release_key as "releaseKey"`;

async function findCharge(db: Database, reference: string): Promise<SandboxCharge | undefined> {
  const [row] = await db.query<SandboxCharge>(
    `select ${chargeColumns} from payments.sandbox_charges where reference = $1`,
    [reference],
  );
  return row;
}

async function chargeOf(db: Database, reference: string): Promise<SandboxCharge> {
  const charge = await findCharge(db, reference);
  if (!charge) throw new Error(`The sandbox has no charge ${reference}`);
  return charge;
}

async function refundOf(db: Database, idempotencyKey: string): Promise<string | undefined> {
  const [row] = await db.query<{ reference: string }>(
    `select refund_reference as reference from payments.sandbox_refunds where idempotency_key = $1`,
    [idempotencyKey],
  );
  return row?.reference;
}

async function usedBefore(db: Database, token: string, reference: string): Promise<boolean> {
  const rows = await db.query(
    `select 1 from payments.sandbox_charges
     where token = $1 and reference <> $2 and status in ('requires_capture', 'succeeded', 'canceled')`,
    [token, reference],
  );
  return rows.length > 0;
}

async function settle(
  db: Database,
  charge: SandboxCharge,
  status: 'requires_capture' | 'succeeded' | 'requires_payment_method',
  declineCode?: string,
): Promise<ProviderResult> {
  const captured = status === 'succeeded' ? charge.amount : 0;
  await db.query(
    `update payments.sandbox_charges set status = $2, decline_code = $3, captured = $4 where reference = $1`,
    [charge.reference, status, declineCode ?? null, captured],
  );
  return resultOf({ ...charge, status, declineCode: declineCode ?? null, captured });
}

function resultOf(charge: SandboxCharge): ProviderResult {
  return charge.status === 'requires_payment_method'
    ? { outcome: 'refused', code: charge.declineCode ?? 'card_declined', message: 'Your card was declined.' }
    : approvedResult(charge.reference);
}

const approvedResult = (reference: string): ProviderResult => ({
  outcome: 'succeeded',
  reference,
  summary: 'Approved',
});

const unexpected = (charge: SandboxCharge): ProviderResult => ({
  outcome: 'refused',
  code: 'payment_intent_unexpected_state',
  message: `The sandbox charge is ${charge.status}`,
});

const digest = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 24);
