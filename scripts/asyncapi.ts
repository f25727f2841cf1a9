import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { asyncApiDocument } from '../src/catalog/asyncapi.js';
import { formatted } from './generated-documents.js';

/** `npm run asyncapi -- --out file`: the AsyncAPI 3.0 document of every message; stdout without --out. */
const { values } = parseArgs({ options: { out: { type: 'string' } } });
if (values.out === undefined) {
  process.stdout.write(`${JSON.stringify(asyncApiDocument(), null, 2)}\n`);
} else {
  const file = resolve(values.out);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await formatted(asyncApiDocument(), file));
  console.log(`AsyncAPI document written to ${file}`);
}
