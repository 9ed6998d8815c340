import { defineConfig } from 'tsup';

// Three builds: the browser bundle (ESM, minified, no Node built-ins, no schemas), the
// Node library, and the CLI that bin/defi-realtime.js runs outside the workspace.
export default defineConfig([
  {
    entry: { browser: 'src/browser.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    outDir: 'dist',
    clean: true,
    minify: true,
    sourcemap: true,
    outExtension: () => ({ js: '.mjs' }),
    // Our libs are TypeScript sources: bundle them (the browser entry uses only their types).
    noExternal: [/^@defi-realtime\//],
    external: ['ws'],
  },
  {
    entry: { index: 'src/index.ts', cli: 'src/cli/main.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    sourcemap: true,
    noExternal: [/^@defi-realtime\/protocol$/],
    // npm packages stay in node_modules; auth (and its database drivers) is loaded only by `keys`.
    external: ['ws', 'zod', '@defi-realtime/auth'],
  },
]);
