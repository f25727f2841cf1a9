import { format, resolveConfig } from 'prettier';
import { asyncApiDocument } from '../src/catalog/asyncapi.js';
import { openApiDocument } from '../src/generators/openapi.js';

/** The documents generated from the code and committed under docs/generated, so reviews show their changes. */
export const generatedDocuments = [
  { file: 'docs/generated/asyncapi.json', generate: async () => asyncApiDocument() },
  { file: 'docs/generated/openapi.json', generate: openApiDocument },
] as const;

/** JSON as the repository's Prettier check wants it. */
export async function formatted(document: object, file: string): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(JSON.stringify(document), { ...options, filepath: file, parser: 'json' });
}
