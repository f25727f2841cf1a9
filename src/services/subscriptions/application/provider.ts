import type { CancellationMode, Customer, Plan, ProviderName } from '../domain/index.js';

/**
 * The port to the payment provider that holds subscriptions. Every call carries an idempotency key
 * that stays the same across retries of one intent, so the provider acts on it at most once.
 * A `ProviderRefusal` is a definitive no; any other error is transient and the call is tried again.
 */
export interface SubscriptionProvider {
  readonly name: ProviderName;
  start(request: StartRequest, idempotencyKey: string): Promise<ProviderSubscription>;
  cancel(request: CancelRequest, idempotencyKey: string): Promise<ProviderCancellation>;
  /** Reads the provider's webhook deliveries; absent for a provider that sends none. */
  readonly webhooks?: WebhookReader;
}

export interface StartRequest {
  readonly subscriptionId: string;
  readonly userId: string;
  readonly customer: Customer;
  readonly planId: string;
  readonly paymentMethod: string;
}

export interface ProviderSubscription {
  readonly providerSubscriptionId: string;
  readonly plan: Plan;
  readonly currentPeriodStart: string;
  readonly currentPeriodEnd: string;
}

export interface CancelRequest {
  readonly providerSubscriptionId: string;
  readonly mode: CancellationMode;
  readonly reason?: string;
  /** The end of the paid period as this service knows it, for a provider that keeps no periods. */
  readonly currentPeriodEnd: string;
}

export interface ProviderCancellation {
  /** When access ends: now, or the end of the paid period. */
  readonly endsAt: string;
}

/** The provider said no, and asking again would get the same answer. */
export class ProviderRefusal extends Error {
  override readonly name = 'ProviderRefusal';
}

/** What the provider reports on its own initiative, reduced to what the lifecycle needs. */
export type ProviderNotice =
  | {
      readonly kind: 'cancelled';
      /** The provider's id of the event: a repeated delivery carries the same one. */
      readonly noticeId: string;
      readonly providerSubscriptionId: string;
      readonly mode: CancellationMode;
      readonly endsAt: string;
    }
  | {
      readonly kind: 'renewed';
      readonly noticeId: string;
      readonly providerSubscriptionId: string;
      readonly currentPeriodStart: string;
      readonly currentPeriodEnd: string;
    };

export interface WebhookReader {
  /**
   * Verifies the delivery's signature and reads it. Returns undefined for events that change no
   * subscription; throws `WebhookRejected` for a delivery that is not authentic.
   */
  read(rawBody: Buffer, signature: string | undefined): ProviderNotice | undefined;
}

export class WebhookRejected extends Error {
  override readonly name = 'WebhookRejected';
}

/** A call to the provider as it is stored until it has been answered. */
export type ProviderOperation =
  | { readonly kind: 'start'; readonly request: StartRequest }
  | { readonly kind: 'cancel'; readonly request: CancelRequest };
