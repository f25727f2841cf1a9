import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { registryView } from '../../catalog/registry-view.js';
import { problem, sendProblem } from '../../platform/http/problem.js';
import { projectRoot } from '../project-root.js';
import { streamOverview } from './overview-stream.js';

/** Where `npm run console:build` writes the console's assets. */
export const consoleAssets = join(projectRoot, 'console', 'dist', '/');

/**
 * Everything the page may load comes from this server: no font, script or style from elsewhere.
 * Mermaid writes inline styles into its drawings, and emails carry their own.
 */
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

/**
 * The operators' console: its built assets under `/console/`, and the two things it needs beside
 * the domain's API: a stream of the overview figures and the contract registry. Both read through
 * the app itself with the caller's credentials, so that they see what the caller may see, in the
 * embedded host and behind the gateway alike.
 */
export const consoleRoutes: FastifyPluginAsync = async (app) => {
  const askAs = (request: FastifyRequest) => async (path: string) => {
    const { authorization } = request.headers;
    const response = await app.inject({
      method: 'GET',
      url: path,
      headers: authorization ? { authorization } : {},
    });
    if (response.statusCode === 403) return undefined;
    if (response.statusCode !== 200) throw new Error(`GET ${path} answered ${response.statusCode}`);
    return response.json<unknown>();
  };

  const streams = new Set<() => void>();
  // An open stream would hold the server's close up until the console went away.
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });
  app.get('/console/api/overview', { schema: { hide: true } }, (request, reply) => {
    streamOverview(request, reply, askAs(request), streams);
  });
  app.get('/console/api/catalog', { schema: { hide: true } }, () => registryView());

  app.get('/console', { schema: { hide: true } }, (_request, reply) => reply.redirect('/console/'));
  if (!existsSync(`${consoleAssets}index.html`)) {
    app.get('/console/*', { schema: { hide: true } }, (request, reply) =>
      sendProblem(
        reply,
        request,
        problem(503, 'CONSOLE.NOT_BUILT', 'The console is not built: run `npm run console:build`'),
      ),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: consoleAssets,
    prefix: '/console/',
    decorateReply: false,
    setHeaders: (response) => {
      response.header('content-security-policy', contentSecurityPolicy);
      response.header('x-content-type-options', 'nosniff');
    },
  });
};
