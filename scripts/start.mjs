// Starts a host from its compiled JavaScript (dist/hosts), in this process:
//   node scripts/start.mjs <embedded|standalone|cluster|gateway|dead-letters> [arguments of the host]
// Plain JavaScript, so that a start costs no TypeScript. The hosts are rebuilt first when a file of
// theirs is newer than the last build, and so is the console for the hosts that serve it: looking
// costs a few milliseconds, building (esbuild, vite) only happens after a change.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const servesConsole = new Set(['embedded', 'gateway']);
const [host, ...hostArguments] = process.argv.slice(2);
const entry = join(root, 'dist', 'hosts', `${host}.js`);

/** The latest change under `paths`; a directory's own time changes when an entry is added or removed. */
function latestChange(paths, skipped = new Set()) {
  let latest = 0;
  for (const path of paths) {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) continue;
    latest = Math.max(latest, stat.mtimeMs);
    if (!stat.isDirectory()) continue;
    const entries = readdirSync(path).filter((name) => !skipped.has(name));
    latest = Math.max(
      latest,
      latestChange(
        entries.map((name) => join(path, name)),
        skipped,
      ),
    );
  }
  return latest;
}

const builtAt = (stamp) => statSync(join(root, stamp), { throwIfNoEntry: false })?.mtimeMs ?? -1;

function runScript(script) {
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', join(root, script)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (status !== 0) process.exit(status ?? 1);
}

if (!['embedded', 'standalone', 'cluster', 'gateway', 'dead-letters'].includes(host ?? '')) {
  console.error('usage: node scripts/start.mjs <embedded|standalone|cluster|gateway|dead-letters> [...]');
  process.exit(2);
}
const hostSources = ['src', 'contracts', 'package-lock.json', 'tsconfig.json', 'scripts/build-hosts.ts'];
if (latestChange(hostSources.map((path) => join(root, path))) > builtAt('dist/hosts/.built'))
  runScript('scripts/build-hosts.ts');
if (
  servesConsole.has(host) &&
  latestChange([join(root, 'console'), join(root, 'package-lock.json')], new Set(['dist', 'node_modules'])) >
    builtAt('console/dist/.sources-hash')
)
  runScript('scripts/console-build.ts');

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], entry, ...hostArguments];
await import(pathToFileURL(entry).href);
