/**
 * A subscription's lifecycle. `pending` and `cancelling` wait for the provider's answer:
 *
 *   pending    → active (the provider started it) | rejected (it refused, or never answered)
 *   active     → cancelling (the subscriber asked) | cancelled (cancelled on the provider's side)
 *   cancelling → cancelled (the provider confirmed) | active (it refused, or never answered)
 */

export type BillingInterval = 'day' | 'week' | 'month' | 'year';
export type ProviderName = 'sandbox' | 'stripe';
export type CancellationMode = 'immediately' | 'end_of_period';

export interface Customer {
  readonly name: string;
  readonly email: string;
}

/** The plan as the provider priced it. `amount` is in major units of `currency` (9.99 means 9.99). */
export interface Plan {
  readonly planId: string;
  readonly name: string;
  readonly amount: number;
  readonly currency: string;
  readonly interval: BillingInterval;
}

export interface ProviderReference {
  readonly name: ProviderName;
  readonly subscriptionId: string;
}

/** A CancelSubscription request accepted and waiting for the provider. */
export interface CancellationRequest {
  /** The request's idempotency key: it identifies the request across retries and transports. */
  readonly requestId: string;
  readonly userId: string;
  readonly mode: CancellationMode;
  readonly reason?: string;
  readonly requestedAt: string;
}

export interface Cancellation {
  readonly mode: CancellationMode;
  /** When access ends: the cancellation itself, or the end of the paid period. */
  readonly endsAt: string;
  readonly initiatedBy: 'customer' | 'provider';
  readonly requestId?: string;
  readonly reason?: string;
  readonly cancelledAt: string;
}

export type StartRejectionReason = 'provider_refused' | 'provider_unavailable';
export type ProviderRejectionReason = 'provider_refused' | 'provider_unavailable';
export type CancellationRejectionReason =
  'not_found' | 'not_owner' | 'not_active' | 'already_cancelled' | ProviderRejectionReason;

interface SubscriptionBase {
  readonly subscriptionId: string;
  readonly userId: string;
  readonly customer: Customer;
  readonly planId: string;
  readonly requestedAt: string;
}

export interface PendingSubscription extends SubscriptionBase {
  readonly status: 'pending';
}

export interface RejectedSubscription extends SubscriptionBase {
  readonly status: 'rejected';
  readonly rejection: { readonly reason: StartRejectionReason; readonly detail: string; readonly at: string };
}

interface StartedSubscription extends SubscriptionBase {
  readonly plan: Plan;
  readonly provider: ProviderReference;
  readonly currentPeriodStart: string;
  readonly currentPeriodEnd: string;
  readonly startedAt: string;
}

export interface ActiveSubscription extends StartedSubscription {
  readonly status: 'active';
  /** Why the last cancellation request did not go through, until another one is made. */
  readonly cancellationRejection?: {
    readonly reason: ProviderRejectionReason;
    readonly detail?: string;
    readonly at: string;
  };
}

export interface CancellingSubscription extends StartedSubscription {
  readonly status: 'cancelling';
  readonly pendingCancellation: CancellationRequest;
}

export interface CancelledSubscription extends StartedSubscription {
  readonly status: 'cancelled';
  readonly cancellation: Cancellation;
}

export type Subscription =
  | PendingSubscription
  | RejectedSubscription
  | ActiveSubscription
  | CancellingSubscription
  | CancelledSubscription;

/** When the subscription renews and is charged next; none once it will not renew. */
export function renewsAt(subscription: Subscription): string | undefined {
  switch (subscription.status) {
    case 'active':
    case 'cancelling':
      return subscription.currentPeriodEnd;
    case 'pending':
    case 'rejected':
    case 'cancelled':
      return undefined;
  }
}
