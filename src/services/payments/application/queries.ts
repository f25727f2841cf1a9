import type { Sql } from '../../../platform/db/database.js';
import { AppError } from '../../../platform/kernel/errors.js';
import {
  attemptsOf,
  operationsOf,
  type AttemptRecord,
  type OperationRecord,
} from '../infrastructure/operation-store.js';
import {
  findPayment,
  findPaymentsOfOrder,
  type StoredPayment,
} from '../infrastructure/payment-repository.js';

export interface PaymentDetails extends StoredPayment {
  readonly operations: OperationRecord[];
  readonly attempts: AttemptRecord[];
}

/** With `ownedBy`, another user's payment is not found, exactly as one that does not exist. */
export async function getPayment(sql: Sql, paymentId: string, ownedBy?: string): Promise<PaymentDetails> {
  const stored = await findPayment(sql, paymentId);
  if (!stored || (ownedBy !== undefined && stored.payment.userId !== ownedBy))
    throw new AppError('not_found', 'PAYMENTS.NOT_FOUND', `No payment ${paymentId}`);
  return withHistory(sql, stored);
}

export async function paymentsOfOrder(
  sql: Sql,
  orderId: string,
  ownedBy?: string,
): Promise<PaymentDetails[]> {
  const payments = (await findPaymentsOfOrder(sql, orderId)).filter(
    (stored) => ownedBy === undefined || stored.payment.userId === ownedBy,
  );
  return Promise.all(payments.map((stored) => withHistory(sql, stored)));
}

async function withHistory(sql: Sql, stored: StoredPayment): Promise<PaymentDetails> {
  const { paymentId } = stored.payment;
  return {
    ...stored,
    operations: await operationsOf(sql, paymentId),
    attempts: await attemptsOf(sql, paymentId),
  };
}
