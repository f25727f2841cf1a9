import rateLimit from '@fastify/rate-limit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpApp } from '../http/http-app.js';
import { problem, sendProblem, sendRetryLater } from '../http/problem.js';
import { AppError } from '../kernel/errors.js';
import { accessOf, type Grant, type RouteAccess } from './access-table.js';
import type { Principal } from './roles.js';
import { AuthenticationFailed, type TokenVerifier } from './verifier.js';

/** The authenticated caller of a request and what the access table grants their role on its route. */
export interface Access {
  readonly principal: Principal;
  readonly grant: Grant;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null on public routes. */
    access: Access | null;
  }
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export interface AuthenticationOptions {
  readonly verify: TokenVerifier;
  readonly writesPerMinute: number;
  readonly failedAuthenticationsPerMinute: number;
}

const REALM = 'orders-domain';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every route is looked up in the access table as it is registered (one missing is a startup
 * error); every request to a non-public route needs a bearer token the verifier accepts, for a
 * role the table lists. Writes are rate limited per caller, failed authentications per address.
 */
export async function installAuthentication(app: HttpApp, options: AuthenticationOptions): Promise<void> {
  app.decorateRequest('access', null);
  // Before the rate-limit plugin's own onRoute hook, which reads the limits set here.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const accesses = methods.map((method) => accessOf(method, route.url));
    const [access] = accesses;
    if (!access || accesses.some((other) => other !== access))
      throw new Error(
        `${methods.join(',')} ${route.url} has no entry in the access table (src/platform/auth/access-table.ts)`,
      );
    const writes = methods.some((method) => WRITE_METHODS.has(method));
    route.config = {
      ...route.config,
      access,
      ...(writes
        ? {
            rateLimit: {
              max: options.writesPerMinute,
              timeWindow: 60_000,
              hook: 'preHandler',
              keyGenerator: (request: FastifyRequest) => request.access?.principal.subject ?? request.ip,
            },
          }
        : {}),
    };
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      Object.assign(new Error(`Too many requests: try again in ${context.after}`), { statusCode: 429 }),
  });
  const failedAttempt = app.createRateLimit({
    max: options.failedAuthenticationsPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => `authentication-failed:${request.ip}`,
  });

  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return;
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined)
      return refuse(
        reply,
        request,
        401,
        'AUTH.TOKEN_MISSING',
        'This route needs a bearer token.',
        `Bearer realm="${REALM}"`,
      );
    let principal: Principal;
    try {
      principal = await options.verify(token);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed)) throw error;
      const attempts = await failedAttempt(request);
      if (!attempts.isAllowed && attempts.isExceeded)
        return sendRetryLater(
          reply,
          request,
          problem(429, 'AUTH.TOO_MANY_FAILURES', 'Too many failed authentications from this address.'),
          attempts.ttlInSeconds,
        );
      return refuse(
        reply,
        request,
        401,
        'AUTH.TOKEN_INVALID',
        `The bearer token is not accepted: ${error.message}.`,
        `Bearer realm="${REALM}", error="invalid_token", error_description="${error.message}"`,
      );
    }
    const grant = access.roles[principal.role];
    if (!grant)
      return refuse(
        reply,
        request,
        403,
        'AUTH.FORBIDDEN',
        `The ${principal.role} role may not ${request.method} ${request.routeOptions.url ?? request.url}.`,
        `Bearer realm="${REALM}", error="insufficient_scope"`,
      );
    request.access = { principal, grant };
    return undefined;
  });
}

function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function refuse(
  reply: FastifyReply,
  request: FastifyRequest,
  status: 401 | 403,
  code: string,
  detail: string,
  challenge: string,
): FastifyReply {
  return sendProblem(reply.header('www-authenticate', challenge), request, problem(status, code, detail));
}

function accessOfRequest(request: FastifyRequest): Access {
  if (!request.access) throw new Error(`${request.method} ${request.url} is public: it has no caller`);
  return request.access;
}

/** The subject whose things the caller may reach on this route; undefined when they may reach all. */
export function ownerScope(request: FastifyRequest): string | undefined {
  const { principal, grant } = accessOfRequest(request);
  return grant === 'own' ? principal.subject : undefined;
}

/** A customer may act only for themselves: placing an order or subscription for someone else is refused. */
export function ensureActsForSelf(request: FastifyRequest, claimedId: string, field: string): void {
  const scope = ownerScope(request);
  if (scope !== undefined && scope !== claimedId)
    throw new AppError('forbidden', 'AUTH.NOT_YOURS', `${field} must be your own id (the token subject).`);
}
