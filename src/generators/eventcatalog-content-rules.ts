import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { glob } from 'tinyglobby';

/**
 * Where EventCatalog looks for each kind of page: the glob patterns of its content collections,
 * copied verbatim from @eventcatalog/core 3.48.4 (eventcatalog/src/content.config.ts), which Astro's
 * glob loader expands with tinyglobby. `npm run catalog:verify` checks they are still the installed
 * version's patterns.
 */
export const contentRules = {
  events: ['**/events/*/index.(md|mdx)', '**/events/*/versioned/*/index.(md|mdx)'],
  commands: ['**/commands/*/index.(md|mdx)', '**/commands/*/versioned/*/index.(md|mdx)'],
  services: [
    'domains/*/services/*/index.(md|mdx)',
    'domains/*/services/*/versioned/*/index.(md|mdx)',
    'domains/*/subdomains/*/services/*/index.(md|mdx)',
    'domains/*/subdomains/*/services/*/versioned/*/index.(md|mdx)',
    'services/*/index.(md|mdx)',
    'services/*/versioned/*/index.(md|mdx)',
  ],
  flows: ['**/flows/**/index.(md|mdx)', '**/flows/**/versioned/*/index.(md|mdx)'],
  domains: [
    'domains/*/index.(md|mdx)',
    'domains/*/versioned/*/index.(md|mdx)',
    'domains/*/subdomains/*/index.(md|mdx)',
    'domains/*/subdomains/*/versioned/*/index.(md|mdx)',
  ],
  changelogs: ['**/changelog.(md|mdx)'],
} as const;

export type Collection = keyof typeof contentRules;

/** One page EventCatalog would load: its collection, file, and the id and version its frontmatter gives. */
export interface CatalogEntry {
  readonly collection: Collection;
  readonly file: string;
  readonly id?: string;
  readonly version?: string;
  readonly frontmatter: string;
}

const frontmatterOf = (text: string) => /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
const field = (frontmatter: string, name: string) =>
  new RegExp(`^${name}: *['"]?([^'"\\n]+)['"]?$`, 'm').exec(frontmatter)?.[1];

/** What each content collection of EventCatalog finds in a catalog directory. */
export async function catalogEntries(directory: string): Promise<CatalogEntry[]> {
  const found = await Promise.all(
    (Object.keys(contentRules) as Collection[]).map(async (collection) => {
      const files = await glob([...contentRules[collection]], { cwd: directory, expandDirectories: false });
      return files.sort().map((file): CatalogEntry => {
        const frontmatter = frontmatterOf(readFileSync(join(directory, file), 'utf8'));
        const id = field(frontmatter, 'id');
        const version = field(frontmatter, 'version');
        return {
          collection,
          file,
          frontmatter,
          ...(id === undefined ? {} : { id }),
          ...(version === undefined ? {} : { version }),
        };
      });
    }),
  );
  return found.flat();
}
