import type { HttpApp } from '../http/http-app.js';
import { problemResponse } from '../http/problem.js';
import { accessOf } from './access-table.js';

export const securitySchemes = {
  bearerAuth: {
    type: 'http' as const,
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'An OAuth 2 access token (JWT) of the configured issuer; its roles claim names customer, staff or admin. See docs/security.md.',
  },
};

/**
 * Declares each operation's security requirement in the OpenAPI document, from the access table:
 * none on public routes, the bearer token (and its 401 and 403 answers) on every other.
 * Registered before the OpenAPI plugin, whose own onRoute hook then reads the result.
 */
export function documentSecurity(app: HttpApp): void {
  app.addHook('onRoute', (route) => {
    if (!route.schema || route.schema.hide) return;
    const access = [route.method].flat().map((method) => accessOf(method, route.url))[0];
    if (!access) return;
    if ('public' in access) {
      route.schema = { ...route.schema, security: [] };
      return;
    }
    route.schema = {
      ...route.schema,
      security: [{ bearerAuth: [] }],
      response: {
        401: problemResponse('No bearer token, or one that is not accepted (WWW-Authenticate says why)'),
        403: problemResponse("The token's role may not use this operation"),
        ...(route.schema.response as object | undefined),
      },
    };
  });
}
