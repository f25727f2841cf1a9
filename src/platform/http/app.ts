import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import Fastify, { LogController } from 'fastify';
import { useInputPolicy, validatorFor, withInputPolicy } from '../../../contracts/index.js';
import type { Authentication } from '../auth/authentication.js';
import { installAuthentication } from '../auth/http.js';
import { documentSecurity, securitySchemes } from '../auth/openapi.js';
import type { Logger } from '../kernel/logger.js';
import type { EdgeSettings } from './settings.js';
import { requestTracing } from '../observability/http-spans.js';
import { screenCardNumbers } from './card-screening.js';
import { edgeOptions, refuseConnect, useStrictJson } from './edge.js';
import type { HttpApp } from './http-app.js';
import { loadShedding, type LoadSheddingOptions } from './load-shedding.js';
import { failureForLog, problem, sendProblem, toProblem } from './problem.js';
import { serializersOnFirstUse, validatorOnFirstUse } from './compiled-on-first-use.js';
import { withSharedSchemas } from './shared-schemas.js';

export type { HttpApp };

/** Query strings and path parameters arrive as text: this validator coerces them; bodies are never coerced. */
const coercingAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true, strict: false });
addFormatsPlugin.default(coercingAjv);
useInputPolicy(coercingAjv);

export interface HttpAppOptions {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  readonly shedding: LoadSheddingOptions;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** Where clients reach the API, and the groups its operations are tagged with. */
  readonly servers: readonly { url: string; description: string }[];
  readonly tags: readonly { name: string; description: string }[];
  readonly authentication: Authentication;
  readonly edge: EdgeSettings;
}

export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimitBytes,
    // Failures are logged by the error handler; a line per request would cost more than it tells.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    ajv: { customOptions: { strict: false } },
    schemaController: { compilersFactory: { buildSerializer: serializersOnFirstUse } },
    ...edgeOptions,
  }).withTypeProvider<TypeBoxTypeProvider>();
  refuseConnect(app.server);

  await app.register(requestTracing);
  // The API speaks JSON only: any other body is refused with a 415 rather than parsed as text.
  useStrictJson(app);
  app.setValidatorCompiler(({ schema, httpPart }) =>
    validatorOnFirstUse(() =>
      httpPart === 'body' ? validatorFor(schema) : withInputPolicy(coercingAjv.compile(schema)),
    ),
  );
  app.setErrorHandler((error, request, reply) => {
    const body = toProblem(error as Error);
    if (body.status >= 500)
      request.log.error({ failure: failureForLog(error), route: request.routeOptions.url }, 'request failed');
    return sendProblem(reply, request, body);
  });
  await app.register(loadShedding, options.shedding);
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
  screenCardNumbers(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        description: options.description,
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [...options.servers],
      tags: [...options.tags],
      components: { securitySchemes },
    },
    // The app is configured for OpenAPI only, so the document is always `openapiObject`.
    transformObject: (document) =>
      'openapiObject' in document ? withSharedSchemas(document.openapiObject) : document.swaggerObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  const { issuer } = options.authentication;
  if (issuer) app.get('/.well-known/jwks.json', { schema: { hide: true } }, () => issuer.jwks);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  return app;
}
