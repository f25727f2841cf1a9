import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Builds the console into console/dist when its sources (or the locked dependencies) changed since
 * the last build, so that `npm start` always serves the console of the checked-out sources and a
 * second start costs nothing. `--force` builds regardless.
 */
const root = fileURLToPath(new URL('../', import.meta.url));
const consoleDir = join(root, 'console');
const stamp = join(consoleDir, 'dist', '.sources-hash');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'dist' || entry.name === 'node_modules' ? [] : filesUnder(path);
    return [path];
  });
}

function sourcesHash(): string {
  const hash = createHash('sha256');
  for (const file of [...filesUnder(consoleDir), join(root, 'package-lock.json')].sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export async function buildConsole(options: { force?: boolean } = {}): Promise<'built' | 'current'> {
  const hash = sourcesHash();
  if (!options.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
    // Rewritten all the same: scripts/start.mjs compares its time with the sources' to skip this check.
    writeFileSync(stamp, hash);
    return 'current';
  }
  // Vite loads in seconds: only when there is something to build.
  const { build } = await import('vite');
  await build({ configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'warn' });
  writeFileSync(stamp, hash);
  return 'built';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outcome = await buildConsole({ force: process.argv.includes('--force') });
  console.log(outcome === 'built' ? 'console built into console/dist' : 'console/dist is current');
}
