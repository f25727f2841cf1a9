import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Compiles the hosts into dist/hosts as JavaScript, one bundle each with their shared code split
 * into chunks, the packages they use bundled in: a start then reads a few files rather than a
 * thousand and transpiles no TypeScript. scripts/start.mjs runs them, and rebuilds them first when
 * a source is newer than dist/hosts/.built.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
export const hosts = ['embedded', 'standalone', 'cluster', 'gateway', 'dead-letters'] as const;

/**
 * Packages left in node_modules, each for a reason bundling would break: they read files of their
 * own at run time (PGlite's WebAssembly and data, pino's transport workers, the Swagger UI's assets
 * and package.json), require by computed paths (jsonc-parser's UMD build), or are found by the
 * tracing's hook on `require('pg')`.
 */
const unbundled = [
  '@electric-sql/pglite',
  'pino',
  'thread-stream',
  'jsonc-parser',
  '@fastify/swagger',
  '@fastify/swagger-ui',
  '@fastify/static',
  'pg',
  'pg-native',
].flatMap((name) => [name, `${name}/*`]);

export async function buildHosts(outdir = join(root, 'dist', 'hosts')): Promise<void> {
  await build({
    entryPoints: hosts.map((host) => join(root, 'src', 'hosts', `${host}.ts`)),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: unbundled,
    // The CommonJS packages bundled in call `require` for Node's own modules.
    banner: {
      js: "import { createRequire as bundleRequire } from 'node:module'; const require = bundleRequire(import.meta.url);",
    },
    sourcemap: 'linked',
    sourcesContent: false,
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, '.built'), `${new Date().toISOString()}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildHosts();
  console.log('hosts built into dist/hosts');
}
