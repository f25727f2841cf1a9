import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportEventCatalog } from '../src/generators/eventcatalog.js';

/** `npm run catalog -- --out ./catalog`: an EventCatalog project of the domain, from the code. */
const { values } = parseArgs({ options: { out: { type: 'string', default: 'catalog-out' } } });
const directory = resolve(values.out);
const summary = await exportEventCatalog(directory);
console.log(
  `EventCatalog written to ${directory}: ${summary.services} services, ${summary.messages} messages, ${summary.flows} flows`,
);
