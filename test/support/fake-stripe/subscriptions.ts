import {
  declinedPaymentMethod,
  field,
  text,
  type FakeStripeState,
  type FormObject,
  type StripeObject,
  type StripeRequest,
  type StripeRoute,
} from './api.js';

export interface FakePrice {
  readonly id: string;
  readonly productName: string;
  /** In the currency's smallest unit, as Stripe counts. */
  readonly unitAmount: number;
  readonly currency: string;
  readonly interval: 'day' | 'week' | 'month' | 'year';
}

/** Customers and subscriptions: create, retrieve, update (cancel at period end) and cancel. */
export const subscriptionRoutes: readonly StripeRoute[] = [
  {
    method: 'POST',
    path: '/v1/customers',
    handle: (request, stripe) =>
      stripe.ok(
        stripe.store({
          id: stripe.newId('cus'),
          object: 'customer',
          created: stripe.now(),
          email: text(request.body['email']) ?? null,
          name: text(request.body['name']) ?? null,
          metadata: request.body['metadata'] ?? {},
          invoice_settings: request.body['invoice_settings'] ?? {},
          payment_method: text(request.body['payment_method']) ?? null,
        }),
      ),
  },
  {
    method: 'POST',
    path: '/v1/subscriptions',
    handle: (request, stripe) => {
      const customer = stripe.find(text(request.body['customer']) ?? '', 'customer');
      if (!customer) return stripe.invalid('No such customer', { status: 404, param: 'customer' });
      const priceId = text(field(request.body['items'], '0', 'price'));
      const price = stripe.find(priceId ?? '', 'price');
      if (!price)
        return stripe.invalid(`No such price: '${priceId ?? ''}'`, { status: 404, param: 'items[0][price]' });
      if (customer['payment_method'] === declinedPaymentMethod) return stripe.cardDeclined();
      const start = stripe.now();
      const end = start + periodSeconds(price);
      const id = stripe.newId('sub');
      return stripe.ok(
        stripe.store({
          id,
          object: 'subscription',
          customer: customer.id,
          status: 'active',
          created: start,
          cancel_at_period_end: false,
          cancel_at: null,
          canceled_at: null,
          ended_at: null,
          cancellation_details: { comment: null, feedback: null, reason: null },
          metadata: request.body['metadata'] ?? {},
          items: {
            object: 'list',
            data: [
              {
                id: stripe.newId('si'),
                object: 'subscription_item',
                subscription: id,
                price,
                quantity: 1,
                current_period_start: start,
                current_period_end: end,
              },
            ],
            has_more: false,
          },
        }),
      );
    },
  },
  {
    method: 'GET',
    path: '/v1/subscriptions/:id',
    handle: (request, stripe) => {
      const subscription = stripe.find(request.params['id'] ?? '', 'subscription');
      return subscription ? stripe.ok(subscription) : noSuchSubscription(stripe, request);
    },
  },
  {
    method: 'POST',
    path: '/v1/subscriptions/:id',
    handle: (request, stripe) => {
      const subscription = stripe.find(request.params['id'] ?? '', 'subscription');
      if (!subscription) return noSuchSubscription(stripe, request);
      if (subscription['status'] === 'canceled') {
        return stripe.invalid(
          'A canceled subscription can only update its cancellation_details and metadata.',
        );
      }
      const atPeriodEnd = text(request.body['cancel_at_period_end']);
      if (atPeriodEnd !== undefined) {
        const cancel = atPeriodEnd === 'true';
        subscription['cancel_at_period_end'] = cancel;
        subscription['cancel_at'] = cancel ? periodEndOf(subscription) : null;
        subscription['canceled_at'] = cancel ? stripe.now() : null;
      }
      withCancellationDetails(subscription, request.body);
      return stripe.ok(subscription);
    },
  },
  {
    method: 'DELETE',
    path: '/v1/subscriptions/:id',
    handle: (request, stripe) => {
      const subscription = stripe.find(request.params['id'] ?? '', 'subscription');
      if (!subscription) return noSuchSubscription(stripe, request);
      if (subscription['status'] === 'canceled') {
        return stripe.invalid(`Subscription ${subscription.id} is already canceled.`);
      }
      const now = stripe.now();
      Object.assign(subscription, { status: 'canceled', canceled_at: now, ended_at: now });
      withCancellationDetails(subscription, request.body);
      return stripe.ok(subscription);
    },
  },
];

function periodSeconds(price: StripeObject): number {
  const day = 24 * 3600;
  const { interval } = price['recurring'] as { interval: FakePrice['interval'] };
  switch (interval) {
    case 'day':
      return day;
    case 'week':
      return 7 * day;
    case 'month':
      return 30 * day;
    case 'year':
      return 365 * day;
  }
}

function periodEndOf(subscription: StripeObject): number {
  const items = subscription['items'] as { data: { current_period_end: number }[] };
  return items.data[0]?.current_period_end ?? 0;
}

function withCancellationDetails(subscription: StripeObject, body: FormObject): void {
  const comment = text(field(body['cancellation_details'], 'comment'));
  if (comment !== undefined) {
    subscription['cancellation_details'] = { comment, feedback: null, reason: 'cancellation_requested' };
  }
}

const noSuchSubscription = (stripe: FakeStripeState, request: StripeRequest) =>
  stripe.invalid(`No such subscription: '${request.params['id'] ?? ''}'`, { status: 404 });
