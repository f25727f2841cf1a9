import type { Database } from '../../../platform/db/database.js';
import type { Outbox } from '../../../platform/messaging/outbox.js';
import type { ProviderReport } from '../domain/index.js';
import { recordProviderEvent } from '../infrastructure/provider-events.js';
import { findByProviderSubscription } from '../infrastructure/subscription-repository.js';
import { changeSubscription } from './change-subscription.js';
import type { ProviderNotice } from './provider.js';

export type Reconciliation = 'applied' | 'duplicate' | 'unknown_subscription';

/**
 * Brings a subscription in line with what the provider reports, such as a cancellation made in the
 * provider's dashboard: it ends in the same events as a cancellation asked of this service. The
 * provider's event id makes a repeated delivery change nothing.
 */
export async function reconcileProviderNotice(
  deps: { db: Database; outbox: Outbox },
  notice: ProviderNotice,
): Promise<Reconciliation> {
  // Subscriptions this service did not start (other products on the same provider account) are not its business.
  const known = await findByProviderSubscription(deps.db, notice.providerSubscriptionId);
  if (!known) return 'unknown_subscription';
  const { subscriptionId } = known.subscription;
  return deps.outbox.run(
    { correlationId: known.correlationId, causationId: notice.noticeId },
    async (uow): Promise<Reconciliation> => {
      const first = await recordProviderEvent(uow.sql, {
        eventId: notice.noticeId,
        kind: notice.kind,
        receivedAt: uow.now,
      });
      if (!first) return 'duplicate';
      await changeSubscription(uow, subscriptionId, commandFor(notice));
      return 'applied';
    },
  );
}

function commandFor(notice: ProviderNotice): ProviderReport {
  switch (notice.kind) {
    case 'cancelled':
      return { type: 'RecordProviderCancellation', mode: notice.mode, endsAt: notice.endsAt };
    case 'renewed':
      return {
        type: 'RecordRenewal',
        currentPeriodStart: notice.currentPeriodStart,
        currentPeriodEnd: notice.currentPeriodEnd,
      };
  }
}
