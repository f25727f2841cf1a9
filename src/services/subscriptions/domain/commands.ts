import type {
  CancellationMode,
  Customer,
  Plan,
  ProviderReference,
  ProviderRejectionReason,
  StartRejectionReason,
} from './subscription.js';

/** What can be asked of a subscription: by its user, or by what the provider reports. */
export type SubscriptionCommand =
  | {
      readonly type: 'RequestSubscription';
      readonly subscriptionId: string;
      readonly userId: string;
      readonly customer: Customer;
      readonly planId: string;
    }
  | {
      readonly type: 'RecordStart';
      readonly plan: Plan;
      readonly provider: ProviderReference;
      readonly currentPeriodStart: string;
      readonly currentPeriodEnd: string;
    }
  | { readonly type: 'RecordStartFailure'; readonly reason: StartRejectionReason; readonly detail: string }
  | {
      readonly type: 'RequestCancellation';
      readonly subscriptionId: string;
      readonly requestId: string;
      readonly userId: string;
      readonly mode: CancellationMode;
      readonly reason?: string;
    }
  /** The provider confirmed the cancellation this service asked for. */
  | { readonly type: 'RecordCancellation'; readonly endsAt: string }
  | {
      readonly type: 'RecordCancellationFailure';
      readonly reason: ProviderRejectionReason;
      readonly detail: string;
    }
  /** The provider reports a cancellation made on its side (or its confirmation of ours, if it came first). */
  | { readonly type: 'RecordProviderCancellation'; readonly mode: CancellationMode; readonly endsAt: string }
  | {
      readonly type: 'RecordRenewal';
      readonly currentPeriodStart: string;
      readonly currentPeriodEnd: string;
    };

/** What the provider answered to a request of this service, or reported on its own. */
export type ProviderReport = Exclude<
  SubscriptionCommand,
  { type: 'RequestSubscription' | 'RequestCancellation' }
>;
