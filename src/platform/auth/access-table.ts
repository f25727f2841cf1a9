import type { Role } from './roles.js';

/**
 * What a role may reach through a route: `all` of it, or only what is the caller's `own` — a
 * customer's own orders, payments, notifications and subscriptions; anyone else's is a 404.
 */
export type Grant = 'own' | 'all';
export type RoleGrants = { readonly [R in Role]?: Grant };
export type RouteAccess = { readonly public: string } | { readonly roles: RoleGrants };

const customersOwnStaffAll: RouteAccess = { roles: { customer: 'own', staff: 'all', admin: 'all' } };
const staff: RouteAccess = { roles: { staff: 'all', admin: 'all' } };
const admin: RouteAccess = { roles: { admin: 'all' } };
const open = (why: string): RouteAccess => ({ public: why });

/**
 * Who may call which route, the one table of it: a route that is not here cannot be registered.
 * Keys are `METHOD path` as the route is declared. docs/security.md explains each choice.
 */
export const accessTable: Readonly<Record<string, RouteAccess>> = {
  'GET /health': open('liveness probe; says nothing but "ok"'),
  'GET /ready': open('readiness probe for orchestrators and load balancers'),
  'GET /openapi.json': open('the API description: no data, the same as the published repository'),
  'GET /asyncapi.json': open('the message description: no data'),
  'GET /.well-known/jwks.json': open("the embedded issuer's public key, for independent verifiers"),
  'POST /payments/webhooks/stripe': open("authenticated by Stripe's signature instead"),
  'POST /subscriptions/webhooks/stripe': open("authenticated by Stripe's signature instead"),

  'POST /orders': customersOwnStaffAll,
  'GET /orders': customersOwnStaffAll,
  'GET /orders/:orderId': customersOwnStaffAll,
  'GET /orders/:orderId/diagram': customersOwnStaffAll,
  'GET /orders/statistics': staff,
  'POST /orders/:orderId/cancel': customersOwnStaffAll,
  'POST /orders/:orderId/amendments': customersOwnStaffAll,

  'GET /payments': customersOwnStaffAll,
  'GET /payments/:paymentId': customersOwnStaffAll,

  'GET /notifications': customersOwnStaffAll,
  'GET /notifications/:notificationId': customersOwnStaffAll,

  'POST /subscriptions': customersOwnStaffAll,
  'GET /subscriptions': customersOwnStaffAll,
  'GET /subscriptions/:subscriptionId': customersOwnStaffAll,
  'POST /subscriptions/:subscriptionId/cancel': customersOwnStaffAll,

  'POST /inventory/add': staff,
  'POST /inventory/update': staff,
  'GET /inventory/:productId': staff,
  'GET /inventory': staff,

  'GET /console': open('redirects to the console'),
  'GET /console/*': open(
    "the console's page, scripts and styles: no data; every call they make is authenticated",
  ),
  'GET /console/api/overview': staff,
  'GET /console/api/catalog': staff,

  'GET /metrics': admin,
  'GET /admin/backlog': admin,
  'GET /admin/dead-letters': admin,
  'POST /admin/dead-letters/:service/:id/replay': admin,
};

/** The interactive docs (Swagger UI and its assets) are public, like the document they show. */
export const publicPrefixes = ['/docs'];
const interactiveDocs = open('interactive API docs');

export function accessOf(method: string, url: string): RouteAccess | undefined {
  const entry = accessTable[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  if (entry) return entry;
  if (publicPrefixes.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return interactiveDocs;
  return undefined;
}
