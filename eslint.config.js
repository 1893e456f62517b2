// Lint and format rules for the whole repository (`npm run lint`, `npm run format` to fix).
// Formatting is checked by @stylistic's rules rather than a reflowing formatter: they hold the
// layout the code already has (2-space indent, single quotes, semicolons, trailing commas) without
// rewrapping lines, so a change's diff is only what it changes.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/.docusaurus/**', 'apps/docs/.test-sites/**', 'apps/docs/generated/**', 'apps/docs/docs/reference/**', 'apps/docs/docs/sdk-documentation/api/**', 'apps/docs/docs/_generated/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: { ...globals.node } },
    plugins: { '@stylistic': stylistic },
    rules: {
      // The compiler checks names in TypeScript; `any` stays allowed at library seams (Kysely<any>,
      // pg type parsers, ioredis custom commands) and in tests that read untyped JSON answers.
      'no-undef': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // A leading underscore marks a value kept only for its place (a destructured field left out).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, ignoredNodes: ['TemplateLiteral *', 'ConditionalExpression'] }],
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/eol-last': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0, maxBOF: 0 }],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/arrow-parens': ['error', 'always'],
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/comma-spacing': 'error',
      '@stylistic/no-tabs': 'error',
    },
  },
  {
    // The demo call page's script runs in the browser beside the SDK's <script> tag.
    files: ['packages/server/src/web/**/*.js'],
    languageOptions: { globals: { ...globals.browser, ParleyRTC: 'readonly' } },
    rules: { 'no-undef': 'error' },
  },
  {
    // The Agora-style samples are classic scripts: app.js calls the helpers common/form.js defines
    // as globals, the way Agora's samples share theirs, beside Agora's (or Parley's) AgoraRTC.
    files: ['examples/agora-web-samples/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        ...globals.browser,
        AgoraRTC: 'readonly',
        readJoinOptions: 'readonly',
        showStatus: 'readonly',
        addRemotePlayer: 'readonly',
        removeRemotePlayer: 'readonly',
        closeLocalTracks: 'readonly',
        showStats: 'readonly',
      },
    },
    rules: { 'no-undef': 'error' },
  },
  {
    files: ['examples/agora-web-samples/common/form.js'],
    languageOptions: { globals: { readJoinOptions: 'off', showStatus: 'off', addRemotePlayer: 'off', removeRemotePlayer: 'off', closeLocalTracks: 'off', showStats: 'off' } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { varsIgnorePattern: '^(readJoinOptions|showStatus|addRemotePlayer|removeRemotePlayer|closeLocalTracks|showStats)$' }] },
  },
  {
    files: ['**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
