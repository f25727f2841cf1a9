import type { Sql } from '../../../platform/db/database.js';
import {
  findSubscription,
  listSubscriptionsOf,
  type StoredSubscription,
} from '../infrastructure/subscription-repository.js';
import { subscriptionRules } from '../domain/index.js';

/** With `ownedBy`, another user's subscription is not found, exactly as one that does not exist. */
export async function getSubscription(
  sql: Sql,
  subscriptionId: string,
  ownedBy?: string,
): Promise<StoredSubscription> {
  const stored = await findSubscription(sql, subscriptionId);
  if (!stored || (ownedBy !== undefined && stored.subscription.userId !== ownedBy))
    throw subscriptionRules.notFound('NOT_FOUND', `No subscription ${subscriptionId}`);
  return stored;
}

export const subscriptionsOf = (sql: Sql, userId: string, limit: number): Promise<StoredSubscription[]> =>
  listSubscriptionsOf(sql, userId, limit);
