import { ruleViolations } from '../../../platform/kernel/errors.js';

export type SubscriptionViolationCode =
  | 'ALREADY_EXISTS'
  | 'NOT_FOUND'
  | 'NOT_PENDING'
  | 'NOT_STARTED'
  | 'NO_CANCELLATION_PENDING'
  | 'ID_REUSED'
  | 'REQUEST_ID_REUSED'
  | 'REQUEST_ID_TOO_LONG'
  | 'NOT_OWNER'
  | 'NOT_ACTIVE'
  | 'ALREADY_CANCELLED'
  | 'CANCELLATION_REFUSED'
  | 'WEBHOOK_BODY'
  | 'WEBHOOK_SIGNATURE_INVALID';

/**
 * What SubscriptionService refuses, as `SUBSCRIPTIONS.*` rule violations. A lifecycle refusal that is
 * `unavailable` will be allowed once an answer still on its way is recorded, so the caller should try
 * again later; a `conflict` while an answer of the provider is recorded is a bug.
 */
export const subscriptionRules = ruleViolations<SubscriptionViolationCode>('SUBSCRIPTIONS');
