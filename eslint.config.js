// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/**
 * The pure core: push.get's use case, the access rules, authentication, the notification. It reads
 * no table, no MongoDB, no HTTP and no Lambda event, so it runs (and is unit-tested) anywhere.
 * Not in it yet: lib/sync/apply.ts and lib/sync/relevance.ts import the table's item layout
 * (lib/store/items.ts, keys.ts); lib/sync/change-event.ts reads BSON.
 */
export const CORE_FILES = ['lib/push-get.ts', 'lib/access.ts', 'lib/auth.ts', 'lib/domain.ts', 'lib/errors.ts', 'lib/settings.ts', 'lib/headers.ts', 'lib/notification/**/*.ts'];

/** What the core may not import: SDKs and the adapters (relative paths at any depth, so `./store/x` from lib/ and `../store/x` from lib/notification/). */
const CORE_MAY_NOT_IMPORT = {
  paths: ['mongodb', 'bson', 'aws-lambda', 'http', 'https', 'http2', 'node:http', 'node:https', 'node:http2'].map((name) => ({
    name,
    message: 'The core (eslint.config.js CORE_FILES) imports no SDK or transport; pass what it needs in from an adapter.',
  })),
  patterns: [
    {
      group: ['@aws-sdk/*', '@smithy/*', '@aws-lambda-powertools/*', 'mongodb/*', 'bson/*'],
      message: 'The core (eslint.config.js CORE_FILES) imports no SDK; pass what it needs in from an adapter.',
    },
    {
      regex: '^(\\.\\.?/)+(lib/)?(store|functions|local|infra|scripts|bench|test|testkit)(/|$)',
      message: 'The core (eslint.config.js CORE_FILES) imports no adapter (lib/store, functions, local, infra, scripts) and no test code.',
    },
  ],
};

/** A relative import of a top-level folder, from any depth below another one. */
const importOf = (folder) => `^(\\.\\./)+${folder}(/|$)`;

/** One lint config for the whole repository; formatting is Prettier's (.prettierrc.json), so its conflicting rules are off. */
export default tseslint.config(
  {
    ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'dist/', '.local-db/', '.bench/', 'bench/results.*', 'fixtures/'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring that drops a field, required parameters).
      // A variable a signal handler reads before start-up assigns it (`let stack; const stop = () => stack?.close()`).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Typed rules (the TypeScript program of tsconfig.json): a promise nobody awaits or handles
    // hides its rejection, and the relay runs async timers.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: CORE_FILES,
    rules: { 'no-restricted-imports': ['error', CORE_MAY_NOT_IMPORT] },
  },
  {
    // What ships (the functions' bundles, the relay, the CLIs) imports no test or bench code.
    files: ['functions/**', 'lib/**', 'local/**', 'infra/**', 'scripts/**'],
    ignores: CORE_FILES,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: importOf('(test|bench|testkit)'), message: 'Shipped code imports no test, bench or testkit code.' }] }],
    },
  },
  {
    // The bench runs without the test tree; what both need lives in testkit/.
    files: ['bench/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: importOf('test'), message: 'The bench imports no test code: move what both need to testkit/.' }] }],
    },
  },
  {
    // Tests test the bench's modules (bench/floor.ts) and run it as a command, but share no helpers with it but testkit/'s.
    files: ['test/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: importOf('bench/support'), message: 'The tests import no bench internals: move what both need to testkit/.' }] }],
    },
  },
  {
    // testkit/ is shared by test/ and bench/, so it imports neither.
    files: ['testkit/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: importOf('(test|bench)'), message: 'testkit/ imports neither test/ nor bench/ (both import it).' }] }],
    },
  },
  {
    // Tests take apart untyped JSON (synthesized templates, OpenAPI documents, answers) on purpose.
    files: ['test/**/*.ts', 'testkit/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
