import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'libs/db/src/generated/**', 'data/**', 'coverage/**', 'tmp-prof/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/only-throw-error': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through SaldoConfig (libs/config), not process.env.',
        },
        {
          selector: "ImportDeclaration[source.value='twilio'] > ImportSpecifier",
          message: "twilio is CommonJS: use the default import (import twilio from 'twilio').",
        },
        {
          selector: "CallExpression[callee.name='forwardRef']",
          message: 'A circular dependency is a design bug, not a forwardRef to add.',
        },
      ],
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // Channels never import each other; what the phone channels share lives in telephony, a non-channel.
  ...['rest', 'pos', 'sms', 'voice', 'web', 'telephony'].map((folder) => ({
    files: [`libs/channels/src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: folder === 'telephony' ? '^#channels/' : '^#channels/(?!telephony$)',
              message: 'Channels never import each other (shared phone code lives in #channels/telephony).',
            },
          ],
        },
      ],
    },
  })),
  // The console reads the database and the audit trail; it never goes through a channel.
  {
    files: ['libs/console/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^#channels/', message: 'The console does not import channels.' }] }],
    },
  },
  {
    files: ['libs/config/src/config.module.ts', 'tools/**', 'test/**', 'bench/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
);
