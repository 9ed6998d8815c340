import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * How code starts an app as an OS process, which Nx cannot see as a dependency: the test
 * helper `spawnApp('<app>', ...)`, or a literal path into the app (`apps/<app>/src/main.ts`,
 * `apps/<app>/bin/...`). A path built from a variable (`apps/${app}/...`) names no app.
 */
const STARTS = [/\bspawnApp\(\s*['"`]([\w-]+)['"`]/g, /\bapps\/([\w-]+)\/(?:src|bin|dist)\//g];

/** The app folders (`gateway` for apps/gateway) that `source` starts. */
export function appsStartedIn(source: string): string[] {
  const apps = new Set<string>();
  for (const pattern of STARTS) for (const match of source.matchAll(pattern)) apps.add(match[1] as string);
  return [...apps];
}

/** One file that starts an app. */
export interface AppStart {
  /** Relative to the repository root. */
  file: string;
  /** The app's folder under apps/. */
  app: string;
}

const SKIP = new Set(['node_modules', 'dist', 'coverage', '.nx']);

/** Every TypeScript/JavaScript file under `dir` (relative to `root`) that starts an app. */
export async function findAppStarts(root: string, dir: string): Promise<AppStart[]> {
  const starts: AppStart[] = [];
  for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) starts.push(...(await findAppStarts(root, path)));
    } else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) {
      for (const app of appsStartedIn(await readFile(join(root, path), 'utf8'))) starts.push({ file: path, app });
    }
  }
  return starts;
}
