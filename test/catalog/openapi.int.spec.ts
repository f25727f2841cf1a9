import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { compileErrors, dereference, validate } from '@readme/openapi-parser';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { useCanonicalUuids } from '../../contracts/index.js';
import type { JsonObject } from '../../src/catalog/asyncapi.js';
import { openApiDocument } from '../../src/generators/openapi.js';

interface Media {
  schema?: JsonObject;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  requestBody?: { content: Record<string, Media> };
  parameters?: { name: string; in: string; schema?: JsonObject }[];
  responses: Record<string, { content?: Record<string, Media> }>;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The parser's own document type, from the plain JSON the host serves. */
const asApiDocument = (document: JsonObject) =>
  structuredClone(document) as unknown as Parameters<typeof validate>[0];

/** The examples a media object carries, on itself or on its schema. */
function examplesOf(media: Media): unknown[] {
  const schemaExamples = (media.schema?.['examples'] as unknown[] | undefined) ?? [];
  return [
    ...(media.example === undefined ? [] : [media.example]),
    ...Object.values(media.examples ?? {}).map((example) => example.value),
    ...schemaExamples,
  ];
}

function operationsOf(document: JsonObject): { name: string; operation: Operation }[] {
  const paths = document['paths'] as Record<string, Partial<Record<(typeof methods)[number], Operation>>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    methods.flatMap((method) => {
      const operation = item[method];
      return operation ? [{ name: `${method.toUpperCase()} ${path}`, operation }] : [];
    }),
  );
}

/** What a route lacks to be documented completely: schemas for what goes in and out, problems, examples. */
function gapsOf({ name, operation }: { name: string; operation: Operation }): string[] {
  const gaps: string[] = [];
  const responses = Object.entries(operation.responses);
  const successes = responses.filter(([status]) => status.startsWith('2'));
  if (successes.length === 0) gaps.push(`${name}: no success response`);
  for (const [status, response] of successes) {
    const media = Object.values(response.content ?? {});
    if (media.length === 0 || media.some((entry) => entry.schema === undefined))
      gaps.push(`${name}: ${status} has no schema`);
    if (!media.some((entry) => examplesOf(entry).length > 0)) gaps.push(`${name}: ${status} has no example`);
  }
  const failures = responses.filter(([status]) => /^[45]/.test(status));
  if (!failures.some(([, response]) => response.content?.['application/problem+json']?.schema !== undefined))
    gaps.push(`${name}: no application/problem+json response`);
  for (const [status, response] of failures) {
    if (!Object.values(response.content ?? {}).some((entry) => entry.schema !== undefined))
      gaps.push(`${name}: ${status} has no schema`);
  }
  for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
    if (media.schema === undefined) gaps.push(`${name}: request body ${type} has no schema`);
    if (examplesOf(media).length === 0) gaps.push(`${name}: request body ${type} has no example`);
  }
  for (const parameter of operation.parameters ?? []) {
    if (parameter.schema === undefined) gaps.push(`${name}: ${parameter.in} ${parameter.name} has no schema`);
  }
  return gaps;
}

describe('the OpenAPI document', () => {
  let document: JsonObject;
  let operations: { name: string; operation: Operation }[];

  before(async () => {
    document = await openApiDocument();
    operations = operationsOf((await dereference(asApiDocument(document))) as unknown as JsonObject);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    assert.equal(document['openapi'], '3.1.0');
    const result = await validate(asApiDocument(document));
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  });

  it('documents every route with request, response and problem schemas and an example', () => {
    const gaps = operations.flatMap(gapsOf);
    if (gaps.length > 0) console.log(`Routes not fully documented:\n  ${gaps.join('\n  ')}`);
    assert.deepEqual(gaps, []);
    assert.ok(operations.length >= 10, `only ${operations.length} operations`);
  });

  it('shows only examples that their own schemas accept', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormatsPlugin.default(ajv);
    useCanonicalUuids(ajv);
    const invalid = operations.flatMap(({ name, operation }) => {
      const media = [
        ...Object.values(operation.requestBody?.content ?? {}).map((entry) => ['request', entry] as const),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.values(response.content ?? {}).map((entry) => [status, entry] as const),
        ),
      ];
      return media.flatMap(([where, entry]) =>
        entry.schema === undefined
          ? []
          : examplesOf(entry).flatMap((example) =>
              ajv.validate(entry.schema as JsonObject, example)
                ? []
                : [`${name} ${where}: ${ajv.errorsText(ajv.errors)}`],
            ),
      );
    });
    if (invalid.length > 0) console.log(`Examples their schemas refuse:\n  ${invalid.join('\n  ')}`);
    assert.deepEqual(invalid, []);
  });
});
