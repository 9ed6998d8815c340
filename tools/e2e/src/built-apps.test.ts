/*
 * The built apps start as the README says: `npx nx build <app> && node apps/<app>/dist/main.js`.
 * The other tests run the apps from source, where every package of the workspace is in
 * reach; a bundle resolves its npm packages from apps/<app>/dist, so a package installed
 * only under a lib's node_modules (or missing from the app's dependencies) breaks the
 * built app alone. Each app is built, its bundle's packages checked, then started on
 * embedded defaults until /readyz answers 200. Under Nx (`npm test`) the tools project's
 * test target depends on the apps' builds (`^build`), so they are fresh already; run
 * through jest alone, the test builds them (Nx's cache makes that quick) unless
 * BUILT_APPS_REUSE_DIST=1.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { eventually } from '@defi-realtime/runtime/testing';
import { ROOT, buildApps, bundleRequires, distMain, startBuiltApp, type BuiltApp } from './support/built-app';

const APPS = ['gateway', 'event-processor', 'alert-engine', 'query-api'] as const;

interface Manifest {
  dependencies?: Record<string, string>;
}

const lockVersions = (): Map<string, string> => {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const versions = new Map<string, string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (
      path.startsWith('node_modules/') &&
      !path.slice('node_modules/'.length).includes('/node_modules/') &&
      entry.version
    ) {
      versions.set(path.slice('node_modules/'.length), entry.version);
    }
  }
  return versions;
};

describe('built apps (dist/main.js)', () => {
  beforeAll(() => {
    const builtByNx = process.env.NX_TASK_TARGET_PROJECT !== undefined;
    if (!builtByNx && process.env.BUILT_APPS_REUSE_DIST !== '1') buildApps(APPS);
  }, 300_000);

  describe.each(APPS)('%s', (app) => {
    it('lists every package its bundle requires in its own dependencies, at the lockfile version, resolvable from dist', () => {
      const manifest = JSON.parse(readFileSync(resolve(ROOT, `apps/${app}/package.json`), 'utf8')) as Manifest;
      const locked = lockVersions();
      const fromDist = createRequire(distMain(app));
      const problems: string[] = [];
      for (const name of bundleRequires(distMain(app))) {
        const declared = manifest.dependencies?.[name];
        if (declared === undefined) problems.push(`${name}: not in apps/${app}/package.json dependencies`);
        else if (declared !== locked.get(name))
          problems.push(`${name}: declared ${declared}, lockfile has ${locked.get(name) ?? 'no hoisted copy'}`);
        try {
          fromDist.resolve(name);
        } catch {
          problems.push(`${name}: cannot be resolved from apps/${app}/dist`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('starts with `node apps/<app>/dist/main.js` and answers /readyz with 200', async () => {
      let running: BuiltApp | undefined;
      try {
        running = await startBuiltApp(app);
        const { url } = running;
        await eventually(async () => expect((await fetch(`${url}/readyz`)).status).toBe(200), 15_000, 100);
      } finally {
        await running?.stop();
      }
    }, 150_000);
  });
});
