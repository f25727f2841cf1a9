import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsonChanges } from '../src/generators/json-diff.js';
import { lineChanges } from '../src/generators/marked-region.js';
import { formatted, generatedDocuments, generatedRegions, withRegion } from './generated-documents.js';

/**
 * `generate` writes the documents the code describes itself with; `check` fails when the committed
 * ones differ from what the code generates now, and says where.
 */
const mode = process.argv[2];
if (mode !== 'generate' && mode !== 'check') {
  console.error('usage: tsx scripts/docs.ts generate|check');
  process.exit(2);
}

const shown = 20;
let stale = 0;
for (const { file, generate } of generatedDocuments) {
  const document = await generate();
  if (mode === 'generate') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await formatted(document, file));
    console.log(`wrote ${file}`);
    continue;
  }
  if (!existsSync(file)) {
    stale += 1;
    console.error(`${file} is missing`);
    continue;
  }
  const changes = jsonChanges(JSON.parse(readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(document)));
  if (changes.length === 0) {
    console.log(`${file} is up to date`);
    continue;
  }
  stale += 1;
  console.error(`${file} differs from what the code generates in ${changes.length} places:`);
  for (const change of changes.slice(0, shown)) console.error(`  ${change.kind} ${change.pointer}`);
  if (changes.length > shown) console.error(`  ... and ${changes.length - shown} more`);
}
for (const { file, region, generate } of generatedRegions) {
  const document = await withRegion(file, region, generate());
  if (mode === 'generate') {
    writeFileSync(file, document);
    console.log(`wrote the ${region} region of ${file}`);
    continue;
  }
  const committed = readFileSync(file, 'utf8');
  if (committed === document) {
    console.log(`the ${region} region of ${file} is up to date`);
    continue;
  }
  stale += 1;
  const changes = lineChanges(committed, document);
  console.error(`the ${region} region of ${file} differs from what the code generates:`);
  if (changes.length === 0) console.error('  the same lines, in another order');
  for (const change of changes.slice(0, shown)) console.error(`  ${change}`);
  if (changes.length > shown) console.error(`  ... and ${changes.length - shown} more`);
}
if (stale > 0) {
  console.error('The generated documents are stale: run `npm run docs:generate` and commit the result.');
  process.exit(1);
}
