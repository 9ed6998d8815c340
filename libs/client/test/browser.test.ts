/*
 * The browser entry: its bundle stays small and free of Node and of the schemas. (Its
 * client against a real gateway over a WHATWG WebSocket: tools/e2e/src/client.)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

/** The aim for the minified + gzipped browser bundle. */
const MAX_GZIP_BYTES = 15 * 1024;

describe('the browser bundle', () => {
  it(`is an ES module under ${MAX_GZIP_BYTES / 1024} KB gzipped, with no Node built-ins, ws or zod in it`, async () => {
    const outDir = await mkdtemp(join(tmpdir(), 'client-browser-'));
    try {
      // As tsup.config.ts builds it, but into a temporary folder (and without packages marked external: anything imported would show).
      const tsup = resolve(__dirname, '../../../node_modules/tsup/dist/cli-default.js');
      await promisify(execFile)(
        process.execPath,
        [
          tsup,
          'src/browser.ts',
          '--no-config',
          '--format',
          'esm',
          '--platform',
          'browser',
          '--target',
          'es2022',
          '--minify',
          '--metafile',
          '--out-dir',
          outDir,
        ],
        {
          cwd: resolve(__dirname, '..'),
          timeout: 30_000,
        },
      );
      const code = await readFile(join(outDir, 'browser.mjs'), 'utf8');
      const meta = JSON.parse(await readFile(join(outDir, 'metafile-esm.json'), 'utf8')) as {
        inputs: Record<string, unknown>;
      };
      const inputs = Object.keys(meta.inputs);
      expect(inputs.filter((path) => /node_modules|libs\/protocol/.test(path))).toEqual([]);
      expect(code).not.toMatch(/\bnode:|require\(|process\.|Buffer|\bimport\b/);
      expect(code).toMatch(/export\s*\{/);
      expect(gzipSync(code, { level: 9 }).length).toBeLessThan(MAX_GZIP_BYTES);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 30_000);
});
