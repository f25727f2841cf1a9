import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contracts, domain, services, type ServiceId } from '../../contracts/index.js';
import { flows } from '../../contracts/flows.js';
import { earlierDomainVersions } from './domain-history.js';
import { teams, users } from './people.js';

/**
 * What a person must find in the catalog EventCatalog built (its `dist/` folder): a page for every
 * message, service, specification, flow and version of the registry, every flow's messages drawn
 * as nodes, the domain map with every service and message, and no internal link that leads nowhere.
 */
export interface SiteReport {
  readonly pages: number;
  readonly links: number;
  readonly problems: readonly string[];
}

const serviceIds = Object.keys(services) as ServiceId[];

/** The file a site path is served from, if the build wrote one. */
function fileOf(dist: string, path: string): string | undefined {
  const trimmed = decodeURIComponent(path).replace(/\/+$/, '');
  return [join(dist, trimmed, 'index.html'), join(dist, `${trimmed}.html`), join(dist, trimmed)].find(
    (file) => existsSync(file) && !file.endsWith('/') && readdirSafe(file) === undefined,
  );
}

function readdirSafe(path: string): string[] | undefined {
  try {
    return readdirSync(path);
  } catch {
    return undefined;
  }
}

function htmlFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return htmlFiles(path);
    return entry.name.endsWith('.html') ? [path] : [];
  });
}

const unescapeHtml = (text: string) =>
  text
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');

/** Astro serialises an island's props as `[kind, value]` pairs: 0 a value or object, 1 an array. */
function deserialise(value: unknown): unknown {
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number') return value;
  const [kind, inner] = value as [number, unknown];
  if (kind === 1 && Array.isArray(inner)) return inner.map(deserialise);
  if (kind === 0 && typeof inner === 'object' && inner !== null && !Array.isArray(inner))
    return Object.fromEntries(Object.entries(inner).map(([key, child]) => [key, deserialise(child)]));
  return inner;
}

interface GraphNode {
  /** `<resource id>-<version>` for messages and services. */
  readonly id: string;
  readonly type: string;
  readonly data: {
    readonly step?: {
      readonly message?: { readonly data?: { readonly id: string; readonly version: string } };
    };
  };
}

/** The nodes of the node graph (EventCatalog's visualiser) a built page carries, if any. */
export function graphNodesOf(html: string): GraphNode[] | undefined {
  const island = /<astro-island[^>]*component-url="[^"]*AstroNodeGraph[^"]*"[^>]*props="([^"]*)"/.exec(html);
  if (!island?.[1]) return undefined;
  const props = deserialise([0, JSON.parse(unescapeHtml(island[1]))]) as { nodes?: GraphNode[] };
  return props.nodes;
}

const messagePath = (contract: (typeof contracts)[number]) =>
  `/docs/${contract.kind}s/${contract.id}/${contract.version}`;

/** Every page the registry calls for, by what it shows. */
export function expectedPages(): { what: string; path: string }[] {
  const domainVersions = [...earlierDomainVersions.map((each) => each.version), domain.version];
  return [
    ...domainVersions.map((version) => ({
      what: `domain ${domain.id} ${version}`,
      path: `/docs/domains/${domain.id}/${version}`,
    })),
    {
      what: `changelog of domain ${domain.id} ${domain.version}`,
      path: `/docs/domains/${domain.id}/${domain.version}/changelog`,
    },
    { what: `domain map of ${domain.id}`, path: `/visualiser/domains/${domain.id}/${domain.version}` },
    ...serviceIds.flatMap((id) => {
      const base = `/docs/services/${id}/${services[id].version}`;
      return [
        { what: `service ${id}`, path: base },
        { what: `AsyncAPI specification of ${id}`, path: `${base}/asyncapi/asyncapi` },
        { what: `OpenAPI specification of ${id}`, path: `${base}/spec/openapi` },
      ];
    }),
    ...contracts.map((contract) => ({
      what: `${contract.kind} ${contract.id} ${contract.version}`,
      path: messagePath(contract),
    })),
    ...flows.map((flow) => ({
      what: `flow ${flow.id} ${flow.version}`,
      path: `/docs/flows/${flow.id}/${flow.version}`,
    })),
    ...teams.map((team) => ({ what: `team ${team.id}`, path: `/docs/teams/${team.id}` })),
    ...users.map((user) => ({ what: `user ${user.id}`, path: `/docs/users/${user.id}` })),
  ];
}

function flowProblems(dist: string): string[] {
  return flows.flatMap((flow) => {
    const file = fileOf(dist, `/docs/flows/${flow.id}/${flow.version}`);
    if (file === undefined) return [];
    const nodes = graphNodesOf(readFileSync(file, 'utf8'));
    if (nodes === undefined) return [`flow ${flow.id}: its page draws no node graph`];
    return flow.steps.flatMap((step) => {
      if (step.kind !== 'message') return [];
      const drawn = nodes.some(
        (node) =>
          (node.type === 'events' || node.type === 'commands') &&
          node.data.step?.message?.data?.id === step.message.id &&
          node.data.step.message.data.version === step.message.version,
      );
      return drawn
        ? []
        : [
            `flow ${flow.id}: step ${step.id} (${step.message.id} ${step.message.version}) is not drawn as a message`,
          ];
    });
  });
}

function domainMapProblems(dist: string): string[] {
  const file = fileOf(dist, `/visualiser/domains/${domain.id}/${domain.version}`);
  if (file === undefined) return [];
  const shown = new Set(
    (graphNodesOf(readFileSync(file, 'utf8')) ?? []).map((node) => `${node.type} ${node.id}`),
  );
  return [
    ...serviceIds.map((id) => `services ${id}-${services[id].version}`),
    ...contracts.map((contract) => `${contract.kind}s ${contract.id}-${contract.version}`),
  ]
    .filter((node) => !shown.has(node))
    .map((node) => `domain map: ${node} is not drawn`);
}

function serviceProblems(dist: string): string[] {
  return serviceIds.flatMap((id) => {
    const base = `/docs/services/${id}/${services[id].version}`;
    const file = fileOf(dist, base);
    if (file === undefined) return [];
    const html = readFileSync(file, 'utf8');
    return [`${base}/asyncapi/asyncapi`, `${base}/spec/openapi`]
      .filter((path) => !html.includes(`href="${path}"`))
      .map((path) => `service ${id}: its page does not link to ${path}`);
  });
}

/** The changelog page shows the project's entry and keeps the reference's. */
function changelogProblems(dist: string): string[] {
  const file = fileOf(dist, `/docs/domains/${domain.id}/${domain.version}/changelog`);
  if (file === undefined) return [];
  const html = readFileSync(file, 'utf8');
  return [`${domain.version} as the project runs it`, 'Service added to domain']
    .filter((entry) => !html.includes(entry))
    .map((entry) => `changelog of domain ${domain.id}: no entry "${entry}"`);
}

/** Checks a built catalog; every problem is a sentence a person can act on. */
export function checkBuiltCatalog(dist: string): SiteReport {
  const files = htmlFiles(dist);
  const missing = expectedPages()
    .filter((page) => fileOf(dist, page.path) === undefined)
    .map((page) => `no page for ${page.what} (${page.path})`);
  let links = 0;
  const broken = new Map<string, string>();
  for (const file of files) {
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/href="(\/[^"#?]*)/g)) {
      links += 1;
      const path = unescapeHtml(target ?? '');
      if (!broken.has(path) && fileOf(dist, path) === undefined) broken.set(path, file.slice(dist.length));
    }
  }
  return {
    pages: files.length,
    links,
    problems: [
      ...missing,
      ...serviceProblems(dist),
      ...changelogProblems(dist),
      ...flowProblems(dist),
      ...domainMapProblems(dist),
      ...[...broken].map(([path, page]) => `broken link to ${path} on ${page}`),
    ],
  };
}
