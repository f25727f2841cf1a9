import Stripe from 'stripe';
import {
  ProviderOutcomeUnknown,
  ProviderUnavailable,
  type LookupResult,
  type PaymentProvider,
  type PrepareResult,
  type ProviderResult,
  type Refused,
} from '../../application/provider.js';
import { tracedStripeHttpClient } from '../../../../platform/observability/provider-spans.js';

export interface StripeProviderOptions {
  readonly secretKey: string;
  /** Another address for the API (a local test double); Stripe's own when absent. */
  readonly apiBase?: string | undefined;
  /** A call unanswered after this long has an unknown outcome. */
  readonly timeoutMs: number;
}

/**
 * Payments through Stripe PaymentIntents: a charge is created unconfirmed (no money moves, so its
 * creation can always be repeated), then confirmed with the customer's payment method and, for an
 * order, captured later. Every request carries an idempotency key derived from the operation, the
 * same on every retry; the SDK's own retries are off so that each attempt is the service's to count.
 */
export function createStripeProvider(options: StripeProviderOptions): PaymentProvider {
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 0,
    httpClient: tracedStripeHttpClient(),
    timeout: options.timeoutMs,
    telemetry: false,
    ...addressOf(options.apiBase),
  });

  return {
    name: 'stripe',

    prepare: (request) =>
      call(async (): Promise<PrepareResult> => {
        const intent = await stripe.paymentIntents.create(
          {
            amount: request.amount,
            currency: request.currency,
            capture_method: request.capture ? 'automatic' : 'manual',
            automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
            metadata: {
              payment_id: request.paymentId,
              order_id: request.orderId,
              charge_id: request.chargeId,
            },
          },
          { idempotencyKey: `${request.idempotencyKey}:create` },
        );
        return { outcome: 'prepared', reference: intent.id };
      }, 'prepare'),

    authorize: (request) =>
      call(async () => {
        const intent = await stripe.paymentIntents.confirm(
          request.reference,
          { payment_method: request.token },
          { idempotencyKey: `${request.idempotencyKey}:confirm` },
        );
        return authorizationResult(intent);
      }),

    capture: (request) =>
      call(async () => {
        const intent = await stripe.paymentIntents.capture(
          request.reference,
          { amount_to_capture: request.amount },
          { idempotencyKey: request.idempotencyKey },
        );
        return intent.status === 'succeeded' ? succeeded(intent.id) : unexpected(intent);
      }),

    release: (request) =>
      call(async () => {
        const intent = await stripe.paymentIntents.cancel(
          request.reference,
          { cancellation_reason: 'requested_by_customer' },
          { idempotencyKey: request.idempotencyKey },
        );
        return intent.status === 'canceled' ? succeeded(intent.id) : unexpected(intent);
      }),

    refund: (request) =>
      call(async () => {
        const refund = await stripe.refunds.create(
          {
            payment_intent: request.reference,
            amount: request.amount,
            metadata: { operation_id: request.idempotencyKey },
          },
          { idempotencyKey: request.idempotencyKey },
        );
        return (
          refundResult(refund) ?? { outcome: 'refused', code: 'refund_pending', message: 'Refund pending' }
        );
      }),

    async lookup(request): Promise<LookupResult> {
      const { reference } = request;
      if (reference === undefined) return { outcome: 'not_found' };
      return call(async (): Promise<LookupResult> => {
        if (request.kind === 'refund') {
          const refunds = await stripe.refunds.list({ payment_intent: reference, limit: 100 });
          const refund = refunds.data.find(
            (each) => each.metadata?.['operation_id'] === request.idempotencyKey,
          );
          if (!refund) return { outcome: 'not_found' };
          return refundResult(refund) ?? { outcome: 'processing' };
        }
        const intent = await stripe.paymentIntents.retrieve(reference);
        switch (request.kind) {
          case 'authorize':
            if (intent.status === 'processing') return { outcome: 'processing' };
            if (intent.status === 'requires_payment_method' && intent.last_payment_error === null) {
              return { outcome: 'not_found' };
            }
            return intent.status === 'requires_confirmation'
              ? { outcome: 'not_found' }
              : authorizationResult(intent);
          case 'capture':
            return intent.status === 'succeeded' ? succeeded(intent.id) : { outcome: 'not_found' };
          case 'release':
            return intent.status === 'canceled' ? succeeded(intent.id) : { outcome: 'not_found' };
        }
      });
    },
  };
}

function addressOf(apiBase: string | undefined): Partial<Stripe.StripeConfig> {
  if (apiBase === undefined) return {};
  const url = new URL(apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol };
}

function authorizationResult(intent: Stripe.PaymentIntent): ProviderResult {
  switch (intent.status) {
    case 'requires_capture':
    case 'succeeded':
      return succeeded(intent.id);
    case 'requires_payment_method': {
      const error = intent.last_payment_error;
      return {
        outcome: 'refused',
        code: error?.decline_code ?? error?.code ?? 'payment_failed',
        message: error?.message ?? 'The payment was declined.',
      };
    }
    case 'requires_action':
      // Card authentication needs the customer in the loop, which a server-side confirmation lacks.
      return {
        outcome: 'refused',
        code: 'authentication_required',
        message: 'The card needs authentication.',
      };
    case 'processing':
      throw new ProviderOutcomeUnknown('processing', 'Stripe is still processing the payment');
    case 'canceled':
    case 'requires_confirmation':
    default:
      return unexpected(intent);
  }
}

/** Undefined while the refund is still pending. */
function refundResult(refund: Stripe.Refund): ProviderResult | undefined {
  if (refund.status === null) return undefined;
  switch (refund.status) {
    case 'succeeded':
      return succeeded(refund.id);
    case 'failed':
    case 'canceled':
      return {
        outcome: 'refused',
        code: refund.failure_reason ?? 'refund_failed',
        message: 'The refund failed',
      };
    default:
      return undefined;
  }
}

const succeeded = (reference: string): ProviderResult => ({
  outcome: 'succeeded',
  reference,
  summary: 'Approved',
});

const unexpected = (intent: Stripe.PaymentIntent): ProviderResult => ({
  outcome: 'refused',
  code: 'payment_intent_unexpected_state',
  message: `The PaymentIntent is ${intent.status}`,
});

/**
 * Turns Stripe's errors into the port's: a decline or an invalid request is a definite refusal; a
 * rate limit or a conflict (409) means Stripe did nothing; anything that may have reached Stripe
 * without an answer (a timeout, a dropped connection, a 5xx) leaves the outcome unknown.
 * Only codes and Stripe's own messages travel on: never the raw error, which echoes request data.
 */
async function call<T>(
  work: () => Promise<T>,
  step: 'prepare' | 'operation' = 'operation',
): Promise<T | Refused> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof Stripe.errors.StripeError)) throw error;
    const code = error.decline_code ?? error.code ?? error.type;
    const message = error.message;
    if (error instanceof Stripe.errors.StripeCardError) return { outcome: 'refused', code, message };
    const unknown =
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      (error.statusCode ?? 0) >= 500;
    // Creating an unconfirmed PaymentIntent moves no money: an unknown outcome is as safe as none.
    if (unknown && step === 'operation') throw new ProviderOutcomeUnknown(code, message);
    const doneNothing =
      unknown ||
      error instanceof Stripe.errors.StripeRateLimitError ||
      error instanceof Stripe.errors.StripeAuthenticationError ||
      // A conflict (a lock timeout, the same idempotency key still in flight): Stripe did not run it.
      error.statusCode === 409;
    if (doneNothing) throw new ProviderUnavailable(code, message);
    return { outcome: 'refused', code, message };
  }
}
