import { readFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { asyncApiDocument } from '../src/catalog/asyncapi.js';
import { replaceRegion } from '../src/generators/marked-region.js';
import { openApiDocument } from '../src/generators/openapi.js';
import { settingsTables } from '../src/generators/settings-table.js';

/** The documents generated from the code and committed under docs/generated, so reviews show their changes. */
export const generatedDocuments = [
  { file: 'docs/generated/asyncapi.json', generate: async () => asyncApiDocument() },
  { file: 'docs/generated/openapi.json', generate: openApiDocument },
] as const;

/** The regions of hand-written documents that are generated from the code (between marker comments). */
export const generatedRegions = [
  { file: 'docs/operations.md', region: 'settings', generate: settingsTables },
] as const;

/** JSON as the repository's Prettier check wants it. */
export async function formatted(document: object, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(document), { ...options, filepath: file, parser: 'json' });
}

/** The document with its region generated anew, formatted as the repository's Prettier check wants it. */
export async function withRegion(file: string, region: string, content: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  const document = replaceRegion(readFileSync(file, 'utf8'), region, content);
  return format(document, { ...options, filepath: file, parser: 'markdown' });
}
