import type { Database } from '../../../platform/db/database.js';
import { reconcileSoon, recordWebhookEvent } from '../infrastructure/operation-store.js';
import type { Bell } from '../../../platform/kernel/bell.js';

/** A verified notice from the provider (a webhook event): what it is and which payment it is about. */
export interface ProviderNotice {
  readonly id: string;
  readonly type: string;
  /** The provider's reference of the payment, when the notice concerns one. */
  readonly reference: string | undefined;
}

/**
 * Records the notice once, and has any operation on its payment whose outcome is in doubt
 * reconciled now. The notice itself settles nothing: the worker asks the provider, so a notice
 * that arrives late, twice or out of order can never move a payment backwards.
 */
export async function receiveProviderNotice(
  db: Database,
  bell: Bell,
  notice: ProviderNotice,
  now: Date,
): Promise<{ duplicate: boolean; reconciling: number }> {
  const outcome = await db.transaction(async (tx) => {
    if (!(await recordWebhookEvent(tx, { ...notice, receivedAt: now }))) {
      return { duplicate: true, reconciling: 0 };
    }
    const reconciling = notice.reference === undefined ? 0 : await reconcileSoon(tx, notice.reference);
    return { duplicate: false, reconciling };
  });
  if (outcome.reconciling > 0) bell.ring();
  return outcome;
}
