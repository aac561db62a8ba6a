// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX, createNodeResolver } from 'eslint-plugin-import-x';

// The layers of src/, lowest first. A layer may import the layers before it, never those after it.
// (model and sources are the public library; cli is the top.)
const LAYERS = ['model', 'sources', 'synth', 'project', 'status', ['deploy', 'diff', 'dev'], 'cli'];
const layer = (name) => LAYERS.findIndex((l) => (Array.isArray(l) ? l.includes(name) : l === name));
const above = (name) =>
  LAYERS.slice(layer(name) + 1)
    .flat()
    .map((l) => `./src/${l}`);

/** The zones of `import-x/no-restricted-paths`: for each layer, the folders it must not import. */
const layering = [
  {
    target: './src/model',
    // The pure model: no other layer, no entry points (src/pulumi, src/testing, src/index.ts).
    from: [...above('model'), './src/exec', './src/pulumi', './src/testing', './src/index.ts'],
    message: 'src/model is the pure fleet model: it imports no other layer (see eslint.config.mjs).',
  },
  {
    // Running processes (cross-spawn): a leaf the I/O layers use; it imports none of them.
    target: './src/exec',
    from: above('model'),
    message: 'src/exec runs processes: it imports only src/model (if anything).',
  },
  ...['sources', 'synth', 'project', 'status', 'deploy', 'diff', 'dev'].map((l) => ({
    target: `./src/${l}`,
    from: above(l),
    message: `src/${l} must not import a higher layer (layers: model < sources < synth < project < status < deploy, diff, dev < cli).`,
  })),
];

// Modules with I/O or Pulumi that the pure model must not import (type-only imports included).
const IO_MODULES = ['fs', 'fs/*', 'child_process', 'os', 'net', 'http', 'https', 'http2', 'execa'];

export default tseslint.config(
  {
    ignores: [
      'lib/**',
      'dist/**',
      'build/**',
      'docs/api/**',
      'node_modules/**',
      'coverage/**',
      'jest.config.js',
      'test/global-setup.js',
      'bin/**',
      'examples/**/node_modules/**',
      // Skeletons of a user's project (fleetwright init), type-checked by their own tsconfig.
      'templates/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // Dependency rules of the source tree: no import cycles, and the layering above.
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without these, import-x parses only .js files when it follows imports: no-cycle would see no TypeScript module.
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layering }],
    },
  },
  {
    files: ['src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...IO_MODULES, ...IO_MODULES.map((m) => `node:${m}`)],
              message: 'src/model is pure: no file system, process, network or OS access (do I/O in src/sources or above).',
            },
            { group: ['@pulumi/*'], message: 'src/model must not import @pulumi/*: keep Pulumi in src/deploy and src/pulumi.' },
          ],
        },
      ],
    },
  },
  {
    // Node scripts and entry files written as CommonJS.
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
);
