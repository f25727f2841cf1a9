/**
 * The import rules of the project, checked by `npm run check` (see docs/architecture.md).
 * Layers, lowest first: contracts → platform → catalog → flows → services → hosts → generators.
 * A module imports only from its own layer or the layers below it; specs and test support may
 * import anything they exercise.
 */
const production = '^(contracts|src)/';
const specs = '\\.spec\\.ts$';

/** A rule forbidding `from` (production code only) to import any of `above`. */
const below = (name, from, above, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: specs },
  to: { path: above },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A circle of imports has no bottom to read or test from.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    below(
      'contracts-stand-alone',
      '^contracts/',
      '^(src|test|scripts|bench)/',
      'contracts/ is the published language: it depends on no implementation.',
    ),
    below(
      'platform-knows-no-domain',
      '^src/platform/',
      '^src/(catalog|flows|services|hosts|generators)/',
      'platform/ is the machinery every service shares; it knows no catalog, flow or service.',
    ),
    below(
      'catalog-above-platform-only',
      '^src/catalog/',
      '^src/(flows|services|hosts|generators)/',
      'catalog/ renders the contracts at run time (AsyncAPI, Mermaid) and knows nothing that runs them.',
    ),
    below(
      'flows-below-services',
      '^src/flows/',
      '^src/(services|hosts|generators)/',
      'flows/ observes the messages of every service; the services compose it, never the reverse.',
    ),
    below(
      'services-below-hosts',
      '^src/services/',
      '^src/(hosts|generators)/',
      'A service never learns which runtime hosts it.',
    ),
    below(
      'hosts-below-generators',
      '^src/hosts/',
      '^src/generators/',
      'generators/ runs at build time over the composed hosts; nothing that runs imports it.',
    ),
    {
      name: 'no-service-imports-another',
      comment: 'Services talk through messages in contracts/, never through each other’s code.',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/', pathNot: specs },
      to: { path: '^src/services/', pathNot: '^src/services/$1/' },
    },
    {
      name: 'flows-through-its-index',
      comment: 'A service composes flow observation through src/flows/index.ts, never its parts.',
      severity: 'error',
      from: { path: '^src/services/' },
      to: { path: '^src/flows/', pathNot: '^src/flows/index\\.ts$' },
    },
    {
      name: 'production-imports-no-tests',
      comment: 'Tests, scripts and benchmarks are built on the code, not the other way round.',
      severity: 'error',
      from: { path: production, pathNot: specs },
      to: { path: '^(test|scripts|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing is a typo or a missing dependency.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
  },
};
