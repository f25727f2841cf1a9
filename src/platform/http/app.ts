import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import Fastify, {
  LogController,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type { TSchema } from 'typebox';
import { useCanonicalUuids, validatorFor } from '../../../contracts/index.js';
import type { Authentication } from '../auth/authentication.js';
import { installAuthentication } from '../auth/http.js';
import { documentSecurity, securitySchemes } from '../auth/openapi.js';
import type { Logger } from '../kernel/logger.js';
import { problem, sendProblem, toProblem } from './problem.js';

export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger,
  TypeBoxTypeProvider
>;

/** Query strings and path parameters arrive as text: this validator coerces them; bodies are never coerced. */
const coercingAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
addFormatsPlugin.default(coercingAjv);
useCanonicalUuids(coercingAjv);

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly authentication: Authentication;
  readonly edge: EdgeSettings;
}

/** What the HTTP edge lets through: request rates, and the origins browsers may call from. */
export interface EdgeSettings {
  readonly writesPerMinute: number;
  readonly failedAuthenticationsPerMinute: number;
  /** Empty: no CORS headers at all, so browsers keep other origins out. */
  readonly corsOrigins: readonly string[];
}

export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // Failures are logged by the error handler; a line per request would cost more than it tells.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: { customOptions: { strict: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The API speaks JSON only: any other body is refused with a 415 rather than parsed as text.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(({ schema, httpPart }) =>
    httpPart === 'body' ? validatorFor(schema as TSchema) : coercingAjv.compile(schema),
  );
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error as Error);
    if (body.status >= 500) request.log.error({ err: error, url: request.url }, 'request failed');
    return sendProblem(reply, request, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      problem(404, 'ROUTE.NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`),
    ),
  );

  await app.register(helmet);
  if (options.edge.corsOrigins.length > 0)
    await app.register(cors, {
      origin: [...options.edge.corsOrigins],
      allowedHeaders: ['authorization', 'content-type'],
    });
  await installAuthentication(app, {
    verify: options.authentication.verify,
    writesPerMinute: options.edge.writesPerMinute,
    failedAuthenticationsPerMinute: options.edge.failedAuthenticationsPerMinute,
  });
  documentSecurity(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.title, version: options.version, description: options.description },
      components: { securitySchemes },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  const { issuer } = options.authentication;
  if (issuer) app.get('/.well-known/jwks.json', { schema: { hide: true } }, () => issuer.jwks);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
