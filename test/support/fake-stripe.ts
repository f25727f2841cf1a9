import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import {
  decodeForm,
  FakeStripeState,
  type StripeObject,
  type StripeReply,
  type StripeRequest,
  type StripeRoute,
} from './fake-stripe/api.js';
import { subscriptionRoutes, type FakePrice } from './fake-stripe/subscriptions.js';

export { declinedPaymentMethod, type StripeObject } from './fake-stripe/api.js';
export { paymentIntentRoutes } from './fake-stripe/payment-intents.js';

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

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
