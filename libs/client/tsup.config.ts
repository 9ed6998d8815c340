import { defineConfig } from 'tsup';

// Two builds: the browser bundle (ESM, minified, no Node built-ins, no schemas) and the
// Node library. The `defi-realtime` command line is apps/cli.
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
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    sourcemap: true,
    noExternal: [/^@defi-realtime\/protocol$/],
    // npm packages stay in node_modules.
    external: ['ws', 'zod'],
  },
]);
