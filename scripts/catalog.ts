import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildCatalogSite,
  installTooling,
  serveCatalogSite,
  siteCatalogDirectory,
  staleContentRules,
} from '../src/generators/eventcatalog-build.js';
import { checkBuiltCatalog } from '../src/generators/eventcatalog-site-check.js';
import { exportEventCatalog } from '../src/generators/eventcatalog.js';

/**
 * `npm run catalog -- --out ./catalog`: an EventCatalog project of the domain, from the code.
 * `--serve [--port 3000]`: also built by EventCatalog and served for a person. `--verify` (`npm run
 * catalog:verify`): built by EventCatalog, then fails unless every message, service, specification,
 * flow and version has its page, every flow draws its messages, and no internal link is broken.
 */
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    serve: { type: 'boolean', default: false },
    port: { type: 'string' },
    verify: { type: 'boolean', default: false },
  },
});
const site = values.serve || values.verify;
const directory = resolve(values.out ?? (site ? siteCatalogDirectory : 'catalog-out'));
const summary = await exportEventCatalog(directory);
console.log(
  `EventCatalog written to ${directory}: ${summary.services} services, ${summary.messages} messages, ${summary.flows} flows`,
);
if (site) {
  await installTooling();
  const stale = staleContentRules();
  if (stale.length > 0) {
    console.error(`The installed EventCatalog no longer reads these patterns: ${stale.join(', ')}`);
    process.exit(1);
  }
  const started = Date.now();
  const dist = await buildCatalogSite(directory);
  const report = checkBuiltCatalog(dist);
  console.log(
    `EventCatalog built ${report.pages} pages with ${report.links} internal links in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  for (const problem of report.problems) console.error(`  ${problem}`);
  if (report.problems.length > 0) {
    console.error(`The built catalog has ${report.problems.length} problems`);
    process.exit(1);
  }
  console.log('Every message, service, specification, flow and version has its page; no link is broken');
  if (values.serve) await serveCatalogSite(directory, values.port);
}
