/**
 * Moves every schema that carries a `title` out of the operations into `components.schemas` under
 * that title, and refers to it there: a response or body used by several routes is described once.
 * Two different schemas under one title are a naming mistake, reported rather than merged.
 */
type Node = Record<string, unknown>;

/** Keys whose values are data (payload examples, fixed values), never schemas to look into. */
const dataKeys = new Set(['example', 'examples', 'const', 'default', 'enum']);

/**
 * The contracts' own validation keywords, which OpenAPI does not know: kept as extensions so the
 * document stays valid and still says what is checked.
 */
const extensionOf: Readonly<Record<string, string>> = { minorUnits: 'x-minor-units' };

const isNode = (value: unknown): value is Node =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function withSharedSchemas<T extends Node>(document: T): T {
  const shared = new Map<string, { schema: unknown; text: string }>();

  const hoist = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(hoist);
    if (!isNode(value)) return value;
    const node = Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        extensionOf[key] ?? key,
        dataKeys.has(key) ? child : hoist(child),
      ]),
    );
    const title = node['title'];
    if (typeof title !== 'string' || !('type' in node || 'anyOf' in node || 'allOf' in node)) return node;
    // @fastify/swagger moves a response schema's own `examples` to its media type, so one schema
    // may arrive with or without them: compare without, keep them where they are.
    const { examples, ...described } = node;
    const text = JSON.stringify(described);
    const known = shared.get(title);
    if (known !== undefined && known.text !== text) {
      throw new Error(`Two different schemas are titled ${title}: give one of them another title`);
    }
    if (known === undefined || examples !== undefined) shared.set(title, { schema: node, text });
    return { $ref: `#/components/schemas/${title}` };
  };

  const paths = hoist(document['paths']);
  const components = isNode(document['components']) ? document['components'] : {};
  const existing = isNode(components['schemas']) ? components['schemas'] : {};
  const schemas = Object.fromEntries(
    [...Object.entries(existing), ...[...shared].map(([title, { schema }]) => [title, schema] as const)].sort(
      ([a], [b]) => a.localeCompare(b),
    ),
  );
  return { ...document, paths, components: { ...components, schemas } };
}
