// The linter of `npm test` (beside `tsc --noEmit`: Playwright does not type-check).
// typescript-eslint's type-checked recommended rules for TypeScript (they see what tsc sees:
// floating promises, unsafe `any`, needless assertions); plain recommended rules for the .js/.mjs files.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'test-results/', 'playwright-report/', 'blob-report/', 'dist/', 'dist.*/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    rules: {
      // `_name` marks a value left unused on purpose (a destructured key being dropped).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Playwright's own idiom for a test or fixture that uses no fixture: `async ({}, use) =>`.
      'no-empty-pattern': 'off',
    },
  },
  {
    // Plain Node scripts (the benchmark's fetch and broker scripts, CommonJS): Node's globals.
    files: ['**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        fetch: 'readonly',
        URLSearchParams: 'readonly',
        Buffer: 'readonly',
        console: 'readonly',
        performance: 'readonly',
        require: 'readonly',
      },
    },
  },
);
