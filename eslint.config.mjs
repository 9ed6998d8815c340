// One flat config for every project. Module boundaries: apps may use libs, libs never
// use apps, `protocol` uses nothing of ours, and what runs in browsers (`scope:browser`:
// protocol, client) uses only what runs in browsers (DESIGN section 1).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

export default [
  {
    ignores: [
      '**/tsup.config.ts',
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:protocol', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:browser', onlyDependOnLibsWithTags: ['scope:browser'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:app'] },
          ],
        },
      ],
    },
  },
  {
    // Tools and scripts talk to a terminal.
    files: ['tools/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
];
