import { randomUUID } from 'node:crypto';
import type { PayloadOf, SubscribeUser } from '../../contracts/index.js';

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
