import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local HTTP server that speaks the part of Stripe's REST API the services use, so that the
 * official SDK (pointed at it with its `host`, `port` and `protocol` options) runs unchanged.
 *
 * It is a route table: each `StripeRoute` is a method, a path pattern and a handler over shared
 * state. Add the endpoints a test needs as another table (`subscriptionRoutes` is one) and pass it
 * to `startFakeStripe`. What every route gets for free, as from Stripe:
 * - form-encoded bodies decoded into nested objects and arrays (`items[0][price]=…`);
 * - idempotency: a POST or DELETE repeated with the same `Idempotency-Key` gets the first reply
 *   (not after an injected failure, which stands for a request that never reached Stripe);
 * - a log of every request, and failures injected on the next requests to a route;
 * - signed webhook deliveries (`webhookDelivery`) for events "made on Stripe's side".
 */

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** A Stripe API object as the fake keeps it (a plain JSON object with `id` and `object`). */
export type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface StripeRequest {
  readonly method: string;
  readonly path: string;
  /** Values of the route pattern's `:name` segments. */
  readonly params: Readonly<Record<string, string>>;
  readonly body: FormObject;
  readonly idempotencyKey: string | undefined;
}

export interface StripeReply {
  readonly status: number;
  readonly body: unknown;
}

export interface StripeRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Such as `/v1/subscriptions/:id`. */
  readonly path: string;
  handle(request: StripeRequest, stripe: FakeStripeState): StripeReply;
}

/** What the routes share: stored objects, ids, the time, and error replies shaped as Stripe's. */
export class FakeStripeState {
  readonly objects = new Map<string, StripeObject>();
  #sequence = 0;
  /** Unix seconds; tests may move it. */
  now: () => number = () => Math.floor(Date.now() / 1000);

  newId(prefix: string): string {
    this.#sequence += 1;
    return `${prefix}_fake${String(this.#sequence).padStart(6, '0')}${randomBytes(4).toString('hex')}`;
  }

  store<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  find(id: string, object: string): StripeObject | undefined {
    const found = this.objects.get(id);
    return found?.object === object ? found : undefined;
  }

  ok(body: unknown): StripeReply {
    return { status: 200, body };
  }

  /** `invalid_request_error` (400), or `resource_missing` (404) for an unknown id. */
  invalid(message: string, options: { status?: 400 | 404; code?: string; param?: string } = {}): StripeReply {
    const status = options.status ?? 400;
    const code = options.code ?? (status === 404 ? 'resource_missing' : 'parameter_invalid');
    return {
      status,
      body: {
        error: {
          type: 'invalid_request_error',
          code,
          message,
          ...(options.param ? { param: options.param } : {}),
        },
      },
    };
  }

  cardDeclined(message = 'Your card was declined.'): StripeReply {
    return {
      status: 402,
      body: {
        error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message },
      },
    };
  }
}

/** Payment methods with a fixed outcome, as Stripe's test payment methods have. */
export const declinedPaymentMethod = 'pm_card_chargeDeclined';

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

export interface FakeStripe {
  /** `http://127.0.0.1:<port>`: give it to the service as its Stripe API address. */
  readonly url: string;
  readonly state: FakeStripeState;
  /** Every request received, in order, including those answered with an injected failure. */
  readonly requests: readonly StripeRequest[];
  /** Requests to one route (same pattern as the route table's). */
  requestsTo(method: StripeRoute['method'], path: string): StripeRequest[];
  /** Answers the next `count` requests to the route with `status` (a Stripe `api_error`) without running it. */
  failNext(method: StripeRoute['method'], path: string, options: { count: number; status?: number }): void;
  /**
   * The next `count` requests to the route get no answer at all, so the client times out. With
   * `applied` the route runs first (its reply kept for the idempotency key), as when Stripe acted
   * and the answer was lost; without, as when the request never reached Stripe.
   */
  dropNext(method: StripeRoute['method'], path: string, options: { count: number; applied: boolean }): void;
  /** A Price with its Product, as the Dashboard would create them. */
  addPrice(price: FakePrice): StripeObject;
  /**
   * An event made on Stripe's side, as Stripe would POST it to a webhook endpoint: the raw body
   * and its `stripe-signature` header, signed with `webhookSecret`.
   */
  webhookDelivery(
    type: string,
    object: StripeObject,
    options?: { secret?: string },
  ): { eventId: string; payload: string; headers: Record<string, string> };
  stop(): Promise<void>;
}

export interface FakeStripeOptions {
  readonly routes?: readonly StripeRoute[];
  /** The signing secret of the webhook endpoint the events are delivered to. */
  readonly webhookSecret?: string;
}

export const fakeWebhookSecret = 'whsec_fake_stripe_test_secret';
export const fakeSecretKey = 'sk_test_fake_stripe';

export async function startFakeStripe(options: FakeStripeOptions = {}): Promise<FakeStripe> {
  const routes = options.routes ?? subscriptionRoutes;
  const webhookSecret = options.webhookSecret ?? fakeWebhookSecret;
  const state = new FakeStripeState();
  const requests: StripeRequest[] = [];
  const replies = new Map<string, StripeReply>();
  const failures: { route: StripeRoute; status: number; remaining: number }[] = [];
  const drops: { route: StripeRoute; applied: boolean; remaining: number }[] = [];

  const routeFor = (method: string, path: string) => {
    for (const route of routes) {
      const params = matchPath(route.path, path);
      if (route.method === method && params) return { route, params };
    }
    return undefined;
  };

  /** The reply to send, or undefined to leave the request unanswered. */
  function answer(request: IncomingMessage, raw: string): StripeReply | undefined {
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://fake-stripe');
    if (!request.headers.authorization?.startsWith('Bearer sk_')) {
      return {
        status: 401,
        body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } },
      };
    }
    const match = routeFor(method, url.pathname);
    const idempotencyKey = headerText(request.headers['idempotency-key']);
    const body = decodeForm(method === 'GET' ? url.search.slice(1) : raw);
    const stripeRequest = { method, path: url.pathname, params: match?.params ?? {}, body, idempotencyKey };
    requests.push(stripeRequest);
    if (!match)
      return state.invalid(`Unrecognized request URL (${method}: ${url.pathname})`, { status: 404 });

    const drop = drops.find((candidate) => candidate.route === match.route && candidate.remaining > 0);
    if (drop) {
      drop.remaining -= 1;
      if (drop.applied) execute(match.route, stripeRequest, method, url.pathname);
      return undefined;
    }
    const failure = failures.find((candidate) => candidate.route === match.route && candidate.remaining > 0);
    if (failure) {
      failure.remaining -= 1;
      return {
        status: failure.status,
        body: { error: { type: 'api_error', message: 'Fake Stripe: injected failure' } },
      };
    }
    return execute(match.route, stripeRequest, method, url.pathname);
  }

  /** Runs the route, or replays the reply kept for the idempotency key. */
  function execute(
    route: StripeRoute,
    stripeRequest: StripeRequest,
    method: string,
    path: string,
  ): StripeReply {
    const { idempotencyKey } = stripeRequest;
    const replayKey =
      idempotencyKey === undefined || method === 'GET' ? undefined : `${method} ${path} ${idempotencyKey}`;
    const replayed = replayKey === undefined ? undefined : replies.get(replayKey);
    if (replayed) return replayed;
    const reply = route.handle(stripeRequest, state);
    const snapshot = { status: reply.status, body: JSON.parse(JSON.stringify(reply.body)) as unknown };
    if (replayKey !== undefined) replies.set(replayKey, snapshot);
    return snapshot;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = answer(request, Buffer.concat(chunks).toString('utf8'));
      // Unanswered: the socket stays open until the client gives up or the fake stops.
      if (reply === undefined) return;
      response.writeHead(reply.status, {
        'content-type': 'application/json',
        'request-id': state.newId('req'),
      });
      response.end(JSON.stringify(reply.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    requestsTo: (method, path) =>
      requests.filter((request) => request.method === method && matchPath(path, request.path) !== undefined),
    dropNext(method, path, { count, applied }) {
      const route = routes.find((candidate) => candidate.method === method && candidate.path === path);
      if (!route) throw new Error(`No route ${method} ${path} in the fake`);
      drops.push({ route, applied, remaining: count });
    },
    failNext(method, path, { count, status = 500 }) {
      const route = routes.find((candidate) => candidate.method === method && candidate.path === path);
      if (!route) throw new Error(`No route ${method} ${path} in the fake`);
      failures.push({ route, status, remaining: count });
    },
    addPrice(price) {
      const product = state.store({
        id: state.newId('prod'),
        object: 'product',
        name: price.productName,
        deleted: false,
      });
      return state.store({
        id: price.id,
        object: 'price',
        currency: price.currency,
        unit_amount: price.unitAmount,
        nickname: null,
        recurring: { interval: price.interval, interval_count: 1, usage_type: 'licensed' },
        product,
      });
    },
    webhookDelivery(type, object, deliveryOptions = {}) {
      const eventId = state.newId('evt');
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: state.now(),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object },
      });
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: deliveryOptions.secret ?? webhookSecret,
      });
      return {
        eventId,
        payload,
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
      };
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}

function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const expected = pattern.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index] ?? '';
    if (segment.startsWith(':')) params[segment.slice(1)] = decodeURIComponent(value);
    else if (segment !== value) return undefined;
  }
  return params;
}

/** `a[b][0][c]=x&a[b][1][c]=y` → `{ a: { b: [{ c: 'x' }, { c: 'y' }] } }`, as Stripe reads its forms. */
export function decodeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const [head = key, ...rest] = key.split('[').map((part) => part.replace(/]$/, ''));
    let node: FormObject = root;
    const path = [head, ...rest];
    for (const [index, part] of path.entries()) {
      if (index === path.length - 1) {
        node[part] = value;
      } else {
        const next = node[part];
        node = typeof next === 'object' && !Array.isArray(next) ? next : (node[part] = {});
      }
    }
  }
  return arraysOf(root) as FormObject;
}

/** Objects whose keys are 0, 1, 2… become arrays. */
function arraysOf(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const entries = Object.entries(value).map(([key, item]) => [key, arraysOf(item)] as const);
  const indexed = entries.length > 0 && entries.every(([key], index) => key === String(index));
  return indexed ? entries.map(([, item]) => item) : Object.fromEntries(entries);
}

function field(value: FormValue | undefined, ...path: string[]): FormValue | undefined {
  let node = value;
  for (const part of path) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = Array.isArray(node) ? node[Number(part)] : node[part];
  }
  return node;
}

const text = (value: FormValue | undefined) => (typeof value === 'string' ? value : undefined);
const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

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
