import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The import rules of docs/architecture.md that ESLint can see file by file; dependency-cruiser
// (.dependency-cruiser.cjs) checks the same layers across the whole graph, circles included.
const services = ['inventory', 'notifications', 'orders', 'payments', 'subscriptions'];
const layersAbove = (message, ...layers) => ({ group: layers.map((layer) => `**/${layer}/**`), message });
const noOtherService = (service) => ({
  regex: `^(\\.\\./)+(services/)?(${services.filter((other) => other !== service).join('|')})/`,
  message: 'No service imports another: services talk through the messages of contracts/.',
});
const domainIsPure = {
  group: [
    'node:*',
    'fastify*',
    'pg',
    '@electric-sql/*',
    '@nats-io/*',
    '**/infrastructure/**',
    '**/application/**',
    '**/http/**',
    '**/platform/db/**',
    '**/platform/messaging/**',
  ],
  message: 'domain/ is pure: no I/O, no framework, no other layer.',
};
const servicesBelowHosts = layersAbove(
  'A service never learns which runtime hosts it.',
  'hosts',
  'generators',
);
/** ESLint keeps the last setting of a rule a file matches, so each block lists every pattern for its files. */
const restrict = (files, ...patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const layerRules = [
  restrict(
    ['src/platform/**/*.ts'],
    layersAbove('platform/ knows no domain.', 'catalog', 'flows', 'services', 'hosts', 'generators'),
  ),
  restrict(
    ['src/catalog/**/*.ts'],
    layersAbove(
      'catalog/ knows nothing that runs the contracts.',
      'flows',
      'services',
      'hosts',
      'generators',
    ),
  ),
  restrict(
    ['src/flows/**/*.ts'],
    layersAbove('The services compose flows/, never the reverse.', 'services', 'hosts', 'generators'),
  ),
  ...services.flatMap((service) => [
    restrict([`src/services/${service}/**/*.ts`], noOtherService(service), servicesBelowHosts),
    {
      ...restrict(
        [`src/services/${service}/domain/**/*.ts`],
        noOtherService(service),
        servicesBelowHosts,
        domainIsPure,
      ),
      ignores: ['**/*.spec.ts'],
    },
  ]),
  restrict(
    ['src/hosts/**/*.ts'],
    layersAbove('Nothing that runs imports the build-time generators.', 'generators'),
  ),
];

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'data',
      'coverage',
      'catalog-out',
      '.tmp',
      '.stryker-tmp',
      'reports',
      'catalog-site',
      'console/dist',
      'dist',
      'test-artifacts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Fastify plugins and message handlers are async by contract, even when a body awaits nothing.
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['eslint.config.js'], ...tseslint.configs.disableTypeChecked },
  // Plain JavaScript run by Node before anything is compiled (npm start).
  {
    files: ['scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly' },
    },
  },
  // The console runs in the browser: its own tsconfig (DOM, JSX) and the rules of React's hooks.
  { files: ['console/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended },
  {
    files: ['.dependency-cruiser.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'commonjs',
      globals: { module: 'writable' },
    },
  },
  ...layerRules,
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-type-parameters': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
    },
  },
);
