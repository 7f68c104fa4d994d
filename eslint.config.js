// Lint rules for the whole repo. sim-core gets extra bans: a run must be a pure function of
// (scenario, seed), so no wall clock, timers, Math.random, engine-dependent Math, DOM or Node.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';

const engineDependentMath = [
  'log',
  'log2',
  'log10',
  'log1p',
  'exp',
  'expm1',
  'pow',
  'sin',
  'cos',
  'tan',
  'atan',
  'atan2',
  'asin',
  'acos',
  'sinh',
  'cosh',
  'tanh',
  'cbrt',
  'hypot',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-artifacts/', '.bench-ref/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    // The lab's browser code: DOM globals, not Node's.
    files: ['src/**/*.ts', 'src/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.{js,mjs,ts}'],
    ignores: ['src/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The engine's API is its index: nothing outside sim-core reaches into its modules.
    files: ['**/*.{js,mjs,ts,svelte}'],
    ignores: ['sim-core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/sim-core/*', '!**/sim-core/index'],
              message: 'Import sim-core through sim-core/index only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sim-core/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-globals': [
        'error',
        ...[
          'Date',
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'queueMicrotask',
          'performance',
          'process',
          'window',
          'document',
          'globalThis',
          'require',
        ].map((name) => ({
          name,
          message: 'sim-core is pure: no wall clock, timers, DOM or Node globals.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'Use the seeded streams in sim-core/random.',
        },
        ...engineDependentMath.map((property) => ({
          object: 'Math',
          property,
          message: 'Engines round this differently; use sim-core/random/math.ts.',
        })),
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'FunctionDeclaration[async=true], ArrowFunctionExpression[async=true], FunctionExpression[async=true]',
          message: 'sim-core is synchronous.',
        },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'worker_threads'],
              message: 'sim-core must not import Node modules.',
            },
          ],
        },
      ],
    },
  },
);
