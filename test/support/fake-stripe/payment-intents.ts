import {
  declinedPaymentMethod,
  text,
  type FakeStripeState,
  type StripeObject,
  type StripeRequest,
  type StripeRoute,
} from './api.js';

/**
 * PaymentIntents (create, retrieve, confirm, capture, cancel) and refunds (create, list), with
 * Stripe's state machine: `requires_payment_method` → confirm → `requires_capture` (manual
 * capture) or `succeeded` (automatic); a declined confirmation (`pm_card_chargeDeclined`) leaves
 * `requires_payment_method` with `last_payment_error` and answers 402.
 */
export const paymentIntentRoutes: readonly StripeRoute[] = [
  {
    method: 'POST',
    path: '/v1/payment_intents',
    handle: (request, stripe) => {
      const amount = Number(text(request.body['amount']));
      const currency = text(request.body['currency']);
      if (!Number.isInteger(amount) || amount < 1)
        return stripe.invalid('Invalid amount', { param: 'amount' });
      if (currency === undefined) return stripe.invalid('Missing currency', { param: 'currency' });
      return stripe.ok(
        stripe.store({
          id: stripe.newId('pi'),
          object: 'payment_intent',
          amount,
          amount_capturable: 0,
          amount_received: 0,
          amount_refunded: 0,
          currency,
          capture_method: text(request.body['capture_method']) ?? 'automatic_async',
          status: 'requires_payment_method',
          payment_method: null,
          last_payment_error: null,
          canceled_at: null,
          cancellation_reason: null,
          created: stripe.now(),
          livemode: false,
          metadata: request.body['metadata'] ?? {},
        }),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/payment_intents/:id',
    handle: (request, stripe) => {
      const intent = stripe.find(request.params['id'] ?? '', 'payment_intent');
      return intent ? stripe.ok(intent) : noSuchPaymentIntent(stripe, request);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/confirm',
    handle: (request, stripe) => {
      const intent = stripe.find(request.params['id'] ?? '', 'payment_intent');
      if (!intent) return noSuchPaymentIntent(stripe, request);
      if (!['requires_payment_method', 'requires_confirmation'].includes(String(intent['status']))) {
        return unexpectedState(stripe, intent, 'confirm');
      }
      const paymentMethod = text(request.body['payment_method']) ?? null;
      intent['payment_method'] = paymentMethod;
      if (paymentMethod === declinedPaymentMethod) {
        const error = {
          type: 'card_error',
          code: 'card_declined',
          decline_code: 'generic_decline',
          message: 'Your card was declined.',
        };
        Object.assign(intent, { status: 'requires_payment_method', last_payment_error: error });
        return { status: 402, body: { error: { ...error, payment_intent: intent } } };
      }
      const manual = intent['capture_method'] === 'manual';
      const amount = Number(intent['amount']);
      Object.assign(intent, {
        status: manual ? 'requires_capture' : 'succeeded',
        amount_capturable: manual ? amount : 0,
        amount_received: manual ? 0 : amount,
        last_payment_error: null,
      });
      return stripe.ok(intent);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/capture',
    handle: (request, stripe) => {
      const intent = stripe.find(request.params['id'] ?? '', 'payment_intent');
      if (!intent) return noSuchPaymentIntent(stripe, request);
      if (intent['status'] !== 'requires_capture') return unexpectedState(stripe, intent, 'capture');
      const amount = Number(text(request.body['amount_to_capture']) ?? intent['amount_capturable']);
      if (amount > Number(intent['amount_capturable'])) {
        return stripe.invalid('amount_to_capture is greater than the amount capturable', {
          param: 'amount_to_capture',
        });
      }
      Object.assign(intent, { status: 'succeeded', amount_capturable: 0, amount_received: amount });
      return stripe.ok(intent);
    },
  },
  {
    method: 'POST',
    path: '/v1/payment_intents/:id/cancel',
    handle: (request, stripe) => {
      const intent = stripe.find(request.params['id'] ?? '', 'payment_intent');
      if (!intent) return noSuchPaymentIntent(stripe, request);
      const cancellable = ['requires_payment_method', 'requires_confirmation', 'requires_capture'];
      if (!cancellable.includes(String(intent['status']))) return unexpectedState(stripe, intent, 'cancel');
      Object.assign(intent, {
        status: 'canceled',
        amount_capturable: 0,
        canceled_at: stripe.now(),
        cancellation_reason: text(request.body['cancellation_reason']) ?? null,
      });
      return stripe.ok(intent);
    },
  },
  {
    method: 'POST',
    path: '/v1/refunds',
    handle: (request, stripe) => {
      const intent = stripe.find(text(request.body['payment_intent']) ?? '', 'payment_intent');
      if (!intent) return stripe.invalid('No such payment_intent', { status: 404, param: 'payment_intent' });
      if (intent['status'] !== 'succeeded') return unexpectedState(stripe, intent, 'refund');
      const left = Number(intent['amount_received']) - Number(intent['amount_refunded']);
      const amount = Number(text(request.body['amount']) ?? left);
      if (left <= 0)
        return stripe.invalid('Charge has already been refunded.', { code: 'charge_already_refunded' });
      if (amount > left)
        return stripe.invalid('Refund amount is greater than the unrefunded amount.', { param: 'amount' });
      intent['amount_refunded'] = Number(intent['amount_refunded']) + amount;
      return stripe.ok(
        stripe.store({
          id: stripe.newId('re'),
          object: 'refund',
          amount,
          currency: intent['currency'],
          payment_intent: intent.id,
          status: 'succeeded',
          failure_reason: null,
          created: stripe.now(),
          metadata: request.body['metadata'] ?? {},
        }),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/refunds',
    handle: (request, stripe) => {
      const intent = text(request.body['payment_intent']);
      const data = [...stripe.objects.values()].filter(
        (object) =>
          object.object === 'refund' && (intent === undefined || object['payment_intent'] === intent),
      );
      return stripe.ok({ object: 'list', url: '/v1/refunds', has_more: false, data: data.reverse() });
    },
  },
];

const noSuchPaymentIntent = (stripe: FakeStripeState, request: StripeRequest) =>
  stripe.invalid(`No such payment_intent: '${request.params['id'] ?? ''}'`, { status: 404 });

const unexpectedState = (stripe: FakeStripeState, intent: StripeObject, action: string) =>
  stripe.invalid(
    `You cannot ${action} this PaymentIntent because it has a status of ${String(intent['status'])}.`,
    { code: 'payment_intent_unexpected_state' },
  );
