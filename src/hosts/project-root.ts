import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's directory: the nearest one above this module that holds package.json. Found rather
 * than reached by a count of `../`, since the hosts also run bundled from dist/, at another depth.
 */
export const projectRoot = nearestPackageDirectory(dirname(fileURLToPath(import.meta.url)));

/** Whether this code runs from the bundle in dist/ (`npm start`) rather than from its sources (tsx). */
export const runsBundled = import.meta.url.endsWith('.js');

function nearestPackageDirectory(directory: string): string {
  if (existsSync(join(directory, 'package.json'))) return directory;
  const parent = dirname(directory);
  if (parent === directory) throw new Error(`No package.json above ${directory}`);
  return nearestPackageDirectory(parent);
}
