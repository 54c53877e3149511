// ESLint flat config for the whole repository: typescript-eslint's
// recommended rules plus the house rules of shared/style (no `any`, a blank
// line before `return`, no console: apps log through pino, CLIs write to
// process.stdout).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.confer/**',
      '.nx/**',
      // Written by ts-proto; regenerate instead of editing.
      'libs/proto/src/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'padding-line-between-statements': [
        'error',
        { blankLine: 'always', prev: '*', next: 'return' },
      ],
      'no-console': 'error',
    },
  },
  {
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      '**/*.e2e-spec.ts',
      'test/**/*.ts',
      '**/jest/**/*.js',
    ],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    // CommonJS configuration files (jest.config.js and the like).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
