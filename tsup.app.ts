import { cpSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'tsup';

const migrations = resolve(__dirname, 'libs/db/migrations');

/**
 * How every app is built: one CommonJS file `dist/main.js` with our libs bundled in and
 * npm packages left to node_modules (PGlite loads its WASM from its own folder, so it
 * cannot be bundled). The SQL migrations are copied next to it, where libs/db looks.
 * The bundle resolves those packages from apps/<app>/dist, so the app's package.json lists
 * every package the bundle requires, including its libs' (tools/e2e/src/built-apps.test.ts
 * checks it and starts each built app).
 */
export function appBuild() {
  return defineConfig({
    entry: { main: 'src/main.ts' },
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    outDir: 'dist',
    clean: true,
    sourcemap: true,
    noExternal: [/^@defi-realtime\//],
    external: [/^(?!@defi-realtime\/)[^./]/],
    onSuccess: async () => {
      if (existsSync(migrations)) cpSync(migrations, 'dist/migrations', { recursive: true });
    },
  });
}
