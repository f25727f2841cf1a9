export type SubscriptionViolationCode =
  | 'SUBSCRIPTIONS.ALREADY_EXISTS'
  | 'SUBSCRIPTIONS.NOT_FOUND'
  | 'SUBSCRIPTIONS.NOT_PENDING'
  | 'SUBSCRIPTIONS.NOT_STARTED'
  | 'SUBSCRIPTIONS.NO_CANCELLATION_PENDING';

/**
 * A command the subscription's rules cannot apply. `conflict`: the state forbids it (a bug when the
 * provider's answer is being recorded); `missing`: no such subscription; `not_yet`: the state will
 * allow it once an answer still on its way is recorded, so the caller should try again later.
 */
export class SubscriptionRuleViolation extends Error {
  override readonly name = 'SubscriptionRuleViolation';
  readonly code: SubscriptionViolationCode;
  readonly kind: 'conflict' | 'missing' | 'not_yet';

  constructor(code: SubscriptionViolationCode, kind: 'conflict' | 'missing' | 'not_yet', message: string) {
    super(message);
    this.code = code;
    this.kind = kind;
  }
}
