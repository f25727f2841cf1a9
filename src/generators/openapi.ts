import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { domainServices } from '../hosts/domain-services.js';
import { openPglite } from '../platform/db/pglite.js';
import { ServiceHost } from '../platform/host.js';
import { createLogger } from '../platform/kernel/logger.js';
import { loadSettings } from '../platform/kernel/settings.js';
import { LocalBus } from '../platform/messaging/local-bus.js';
import { services, type ServiceId } from '../../contracts/index.js';
import { jsonSchemaOf, type Json, type JsonObject } from '../catalog/asyncapi.js';

/**
 * The OpenAPI 3.1 document of the whole HTTP surface, exactly as `/openapi.json` serves it: the
 * routes are registered on a real host (in-memory storage, default settings), then described by
 * @fastify/swagger from their schemas.
 */
export async function openApiDocument(): Promise<JsonObject> {
  const db = await openPglite({});
  const bus = await LocalBus.open(db);
  try {
    const host = await ServiceHost.start({
      modules: domainServices,
      databaseFor: () => db,
      bus,
      settings: loadSettings({ LOG_LEVEL: 'silent' }),
      logger: createLogger({ level: 'silent' }),
    });
    try {
      return jsonSchemaOf(host.app.swagger());
    } finally {
      await host.stop();
    }
  } finally {
    await bus.close();
    await db.close();
  }
}

const componentRefs = (value: unknown): string[] => {
  if (Array.isArray(value)) return value.flatMap(componentRefs);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === '$ref' && typeof child === 'string' && child.startsWith('#/components/schemas/')
      ? [child.slice('#/components/schemas/'.length)]
      : componentRefs(child),
  );
};

/**
 * The OpenAPI document as committed under docs/generated: `npm run docs:check` fails when it differs
 * from what `openApiDocument` generates, and reading it spares starting a host.
 */
export function committedOpenApiDocument(): JsonObject {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL('../../docs/generated/openapi.json', import.meta.url)), 'utf8'),
  ) as JsonObject;
}

/**
 * One service's part of the domain's OpenAPI document: the operations tagged with its bounded
 * context, and only the shared schemas they use.
 */
export function serviceOpenApiDocument(document: JsonObject, service: ServiceId): JsonObject {
  const { context, name, version } = services[service];
  type PathItem = Record<string, { tags?: string[] }>;
  const paths: Record<string, PathItem> = {};
  for (const [path, item] of Object.entries(document['paths'] as Record<string, PathItem>)) {
    const operations = Object.entries(item).filter(([, operation]) => operation.tags?.includes(context));
    if (operations.length > 0) paths[path] = Object.fromEntries(operations);
  }
  const schemas = (document['components'] as { schemas: Record<string, Json> }).schemas;
  const used = new Set<string>();
  const visit = (names: string[]) => {
    for (const schema of names.filter((each) => !used.has(each))) {
      used.add(schema);
      visit(componentRefs(schemas[schema]));
    }
  };
  visit(componentRefs(paths));
  return jsonSchemaOf({
    ...document,
    info: { ...(document['info'] as JsonObject), title: `${name} API`, version },
    tags: (document['tags'] as { name: string }[]).filter((tag) => tag.name === context),
    paths,
    components: { schemas: Object.fromEntries([...used].sort().map((schema) => [schema, schemas[schema]])) },
  });
}
