import Stripe from 'stripe';
import {
  ProviderRefusal,
  WebhookRejected,
  type ProviderNotice,
  type ProviderSubscription,
  type SubscriptionProvider,
} from '../application/provider.js';
import type { BillingInterval, CancellationMode } from '../domain/index.js';
import { tracedStripeHttpClient } from '../../../platform/observability/provider-spans.js';

export interface StripeProviderOptions {
  readonly secretKey: string;
  /** The signing secret (`whsec_…`) of the webhook endpoint that receives subscription events. */
  readonly webhookSecret: string;
  /** Another API address than Stripe's, such as a local stand-in: `http://127.0.0.1:12111`. */
  readonly apiBase?: string;
  readonly timeoutMs?: number;
}

/**
 * Subscriptions at Stripe, through the official SDK. The SDK's own retries are off: the provider
 * worker retries with the same idempotency key and its own back-off, and counts the attempts.
 */
export function createStripeProvider(options: StripeProviderOptions): SubscriptionProvider {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 0,
    httpClient: tracedStripeHttpClient(),
    timeout: options.timeoutMs ?? 20_000,
    telemetry: false,
    ...(options.apiBase === undefined ? {} : endpointOf(options.apiBase)),
  });

  return {
    name: 'stripe',

    start: (request, idempotencyKey) =>
      refusalsOf(async () => {
        const { customer, paymentMethod, planId, subscriptionId, userId } = request;
        const stripeCustomer = await stripe.customers.create(
          {
            name: customer.name,
            email: customer.email,
            payment_method: paymentMethod,
            invoice_settings: { default_payment_method: paymentMethod },
            metadata: { userId },
          },
          { idempotencyKey: `${idempotencyKey}-customer` },
        );
        const subscription = await stripe.subscriptions.create(
          {
            customer: stripeCustomer.id,
            items: [{ price: planId }],
            // A declined first payment fails the call (402) instead of leaving an `incomplete` subscription.
            payment_behavior: 'error_if_incomplete',
            metadata: { subscriptionId, userId },
            expand: ['items.data.price.product'],
          },
          { idempotencyKey: `${idempotencyKey}-subscription` },
        );
        return startedFrom(subscription);
      }),

    cancel: (request, idempotencyKey) =>
      refusalsOf(async () => {
        const details =
          request.reason === undefined ? {} : { cancellation_details: { comment: request.reason } };
        const subscription =
          request.mode === 'immediately'
            ? await stripe.subscriptions.cancel(request.providerSubscriptionId, details, { idempotencyKey })
            : await stripe.subscriptions.update(
                request.providerSubscriptionId,
                { cancel_at_period_end: true, ...details },
                { idempotencyKey },
              );
        return { endsAt: endOf(subscription, request.mode) };
      }),

    webhooks: {
      read(rawBody, signature) {
        if (signature === undefined) throw new WebhookRejected('The Stripe-Signature header is missing');
        let event: Stripe.Event;
        try {
          event = stripe.webhooks.constructEvent(rawBody, signature, options.webhookSecret);
        } catch (error) {
          throw new WebhookRejected(error instanceof Error ? error.message : String(error));
        }
        return noticeOf(event);
      },
    },
  };
}

function endpointOf(apiBase: string): { host: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}

/**
 * Stripe's definitive refusals become `ProviderRefusal`: a declined card, a request Stripe will
 * never accept (unknown price or subscription, a cancelled subscription), an idempotency key
 * reused with other parameters. Rate limits, conflicts, 5xx and network failures stay transient.
 */
async function refusalsOf<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const definitive =
      error instanceof Stripe.errors.StripeCardError ||
      error instanceof Stripe.errors.StripeIdempotencyError ||
      (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode !== 409);
    if (definitive) throw new ProviderRefusal(error.message, { cause: error });
    throw error;
  }
}

function startedFrom(subscription: Stripe.Subscription): ProviderSubscription {
  const item = firstItemOf(subscription);
  const { price } = item;
  const interval = billingIntervals.find((known) => known === price.recurring?.interval);
  if (price.unit_amount === null || interval === undefined) {
    throw new ProviderRefusal(`Price ${price.id} is not a recurring price with a fixed amount`);
  }
  const product = typeof price.product === 'object' && !price.product.deleted ? price.product : undefined;
  return {
    providerSubscriptionId: subscription.id,
    plan: {
      planId: price.id,
      name: product?.name ?? price.nickname ?? price.id,
      amount: majorUnits(price.unit_amount, price.currency),
      currency: price.currency.toUpperCase(),
      interval,
    },
    currentPeriodStart: isoOf(item.current_period_start),
    currentPeriodEnd: isoOf(item.current_period_end),
  };
}

const billingIntervals: readonly BillingInterval[] = ['day', 'week', 'month', 'year'];

/** The subscription events that change a subscription here; every other event is none of its business. */
function noticeOf(event: Stripe.Event): ProviderNotice | undefined {
  if (event.type === 'customer.subscription.deleted') {
    const subscription = event.data.object;
    return {
      kind: 'cancelled',
      noticeId: event.id,
      providerSubscriptionId: subscription.id,
      mode: subscription.cancel_at_period_end ? 'end_of_period' : 'immediately',
      endsAt: isoOf(subscription.ended_at ?? subscription.canceled_at ?? event.created),
    };
  }
  if (event.type !== 'customer.subscription.updated') return undefined;
  const subscription = event.data.object;
  if (subscription.status === 'canceled' || subscription.cancel_at_period_end) {
    const mode = subscription.status === 'canceled' ? 'immediately' : 'end_of_period';
    return {
      kind: 'cancelled',
      noticeId: event.id,
      providerSubscriptionId: subscription.id,
      mode,
      endsAt: endOf(subscription, mode),
    };
  }
  const item = firstItemOf(subscription);
  return {
    kind: 'renewed',
    noticeId: event.id,
    providerSubscriptionId: subscription.id,
    currentPeriodStart: isoOf(item.current_period_start),
    currentPeriodEnd: isoOf(item.current_period_end),
  };
}

/** When access ends, as Stripe reports it for a subscription cancelled in the given way. */
function endOf(subscription: Stripe.Subscription, mode: CancellationMode): string {
  switch (mode) {
    case 'immediately':
      return isoOf(subscription.ended_at ?? subscription.canceled_at ?? Math.floor(Date.now() / 1000));
    case 'end_of_period':
      return isoOf(subscription.cancel_at ?? firstItemOf(subscription).current_period_end);
  }
}

function firstItemOf(subscription: Stripe.Subscription): Stripe.SubscriptionItem {
  const [item] = subscription.items.data;
  if (!item) throw new Error(`Stripe subscription ${subscription.id} has no items`);
  return item;
}

/** Stripe amounts are in the currency's smallest unit: cents for USD, yen for JPY. */
function majorUnits(amount: number, currency: string): number {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  return amount / 10 ** digits;
}

const isoOf = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();
