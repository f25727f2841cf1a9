import type {
  Cancellation,
  CancellationRejectionReason,
  CancellationRequest,
  Customer,
  Plan,
  ProviderReference,
  StartRejectionReason,
} from './subscription.js';

/** What happened to a subscription. `at` is when the service recorded it. */
export type SubscriptionEvent =
  | {
      readonly type: 'SubscriptionRequested';
      readonly subscriptionId: string;
      readonly userId: string;
      readonly customer: Customer;
      readonly planId: string;
      readonly at: string;
    }
  | {
      readonly type: 'SubscriptionStarted';
      readonly plan: Plan;
      readonly provider: ProviderReference;
      readonly currentPeriodStart: string;
      readonly currentPeriodEnd: string;
      readonly at: string;
    }
  | {
      readonly type: 'SubscriptionRejected';
      readonly reason: StartRejectionReason;
      readonly detail: string;
      readonly at: string;
    }
  | { readonly type: 'CancellationRequested'; readonly request: CancellationRequest; readonly at: string }
  /** A refused request; it leaves the subscription as it was before the request. */
  | {
      readonly type: 'CancellationRejected';
      readonly subscriptionId: string;
      readonly requestId: string;
      readonly userId: string;
      readonly reason: CancellationRejectionReason;
      readonly detail?: string;
      readonly at: string;
    }
  | { readonly type: 'SubscriptionCancelled'; readonly cancellation: Cancellation; readonly at: string }
  | {
      readonly type: 'SubscriptionRenewed';
      readonly currentPeriodStart: string;
      readonly currentPeriodEnd: string;
      readonly at: string;
    };
