import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Creates the PostgreSQL cluster in `dataDir` if there is none yet, in a short-lived process of its
 * own. Creating a cluster (initdb) takes PGlite to about 850 MB, and WebAssembly memory never
 * shrinks: done in the service's own process, that peak would stay for its whole life.
 */
export async function ensureCluster(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  if (await exists(join(dataDir, 'PG_VERSION'))) return;
  const create = `const { PGlite } = await import(process.argv[1]);
    const pglite = await PGlite.create({ dataDir: process.argv[2] });
    await pglite.close();`;
  await run(
    process.execPath,
    ['--input-type=module', '--eval', create, import.meta.resolve('@electric-sql/pglite'), dataDir],
    // Without the service's environment: NODE_OPTIONS meant for it (loaders, profilers) has no place here.
    { env: {} },
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
