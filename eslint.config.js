// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/src/generated/**', '.cache/**', '.local/**', '.tools/**', 'charts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Rules that need the types: a promise nobody awaits or handles, or one passed where a callback's
    // result is ignored, loses its errors (an unhandled rejection stops a Node process).
    files: ['**/*.ts', '**/*.tsx'],
    // tsconfig.check.json covers every package, service, test and script; the web app has its own.
    languageOptions: { parserOptions: { project: ['./tsconfig.check.json', './services/web/tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // tap tracks the subtests it is handed (t.test returns a promise tap itself awaits in order).
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafePromises: [{ from: 'package', name: 'PromiseWithSubtest', package: '@tapjs/core' }] },
      ],
    },
  },
  {
    // The Prisma CLI's config files are in no tsconfig: no type-aware rules there.
    files: ['services/*/prisma.config.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
)
