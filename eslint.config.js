// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

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
    // Tests take apart untyped JSON (synthesized templates, OpenAPI documents, answers) on purpose.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  prettier,
);
