// ESLint (flat config): typescript-eslint's recommended-type-checked rules, run by `npm run lint`
// inside `npm test`. Rules whose findings in the existing code are by design, or too many to fix
// without rewriting files that are being worked on, are off or warnings, each with its reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
// Last in the list: turns off the stylistic rules that Prettier owns (`npm run format:check`).
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'test/generated/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { project: ['./tsconfig.json'], tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // tsc's noUnusedLocals/noUnusedParameters convention: a leading underscore marks "unused on purpose".
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // `let` that a closure reads before the one assignment (a const there would be a TDZ error), and
      // `let { a, b }` where only one of them is reassigned.
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }],
      // Off: async functions that implement a Promise-returning interface without awaiting (109 findings).
      '@typescript-eslint/require-await': 'off',
      // Off: values typed `any` by JSON.parse, driver records and dynamic imports (about 150 findings);
      // the boundaries validate them (domain/validate.ts, class-validator) instead.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // Off for now: 38 redundant `!`/`as` in files under active change; `eslint --fix --rule` removes them in one pass later.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Warnings, not errors: a handful of findings each, in files under active change (see the lint output).
      '@typescript-eslint/unbound-method': 'warn',
      '@typescript-eslint/no-unsafe-enum-comparison': 'warn',
      '@typescript-eslint/no-unused-expressions': 'warn',
      '@typescript-eslint/await-thenable': 'warn',
      '@typescript-eslint/no-base-to-string': 'warn',
      '@typescript-eslint/restrict-template-expressions': 'warn',
      'no-useless-assignment': 'warn',
    },
  },
  {
    // Reference values are quoted with all their published digits, more than a double holds.
    files: ['**/*.test.ts'],
    rules: { 'no-loss-of-precision': 'off' },
  },
  {
    // A dynamic require: the module (a scorer plugin, a Node built-in on demand) is only known at run time.
    files: ['eval/protocols/ranking-full/spec.ts', 'bench/stats.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
);
