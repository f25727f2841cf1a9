import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Compiles the hosts into dist/hosts as JavaScript, one bundle each with their shared code split
 * into chunks and the packages left to node_modules. Starting from these costs no TypeScript
 * transpiling and loads a few files rather than hundreds: scripts/start.mjs runs them, and rebuilds
 * them first when a source is newer than dist/hosts/.built.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
export const hosts = ['embedded', 'standalone', 'cluster', 'gateway', 'dead-letters'] as const;

export async function buildHosts(): Promise<void> {
  const outdir = join(root, 'dist', 'hosts');
  await build({
    entryPoints: hosts.map((host) => join(root, 'src', 'hosts', `${host}.ts`)),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(join(outdir, '.built'), `${new Date().toISOString()}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildHosts();
  console.log('hosts built into dist/hosts');
}
