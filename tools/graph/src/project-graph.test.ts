/*
 * The Nx graph tells the truth, so that `nx affected` runs what a change can break:
 * every project whose code or tests start an app as a process (by a path Nx cannot see)
 * declares that app, and what runs in browsers depends only on what runs in browsers.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findAppStarts, type AppStart } from './app-starts';
import { affectedBy, projectGraph, ROOT, type GraphProject } from './nx';

describe('the Nx project graph', () => {
  let projects: GraphProject[];

  beforeAll(async () => {
    projects = await projectGraph();
  }, 120_000);

  /** The project a file belongs to: the one with the deepest root above it. */
  const owner = (file: string): GraphProject | undefined =>
    projects.filter((p) => file.startsWith(`${p.root}/`)).sort((a, b) => b.root.length - a.root.length)[0];

  it('puts every project that starts an app by path in what `nx affected` runs after a change to that app', async () => {
    const starts: AppStart[] = [];
    for (const dir of ['apps', 'libs', 'tools']) starts.push(...(await findAppStarts(ROOT, dir)));

    // app project -> the other projects that start it -> the files that do
    const starters = new Map<GraphProject, Map<string, string[]>>();
    const unknown: string[] = [];
    for (const start of starts) {
      const app = projects.find((p) => p.root === `apps/${start.app}`);
      const by = owner(start.file);
      if (!app || !by) {
        unknown.push(`${start.file} starts apps/${start.app}, which is no project`);
        continue;
      }
      if (by === app) continue;
      const files = starters.get(app) ?? new Map<string, string[]>();
      files.set(by.name, [...(files.get(by.name) ?? []), start.file]);
      starters.set(app, files);
    }
    expect(unknown).toEqual([]);
    // The scan sees what is known to be there (tools/e2e runs the gateway), or it sees nothing.
    expect([...(starters.get(projects.find((p) => p.name === 'gateway')!)?.keys() ?? [])]).toContain('tools');

    const missing: string[] = [];
    for (const [app, byProject] of starters) {
      const changed = existsSync(join(ROOT, app.root, 'src/start.ts'))
        ? `${app.root}/src/start.ts`
        : `${app.root}/src/main.ts`;
      const affected = await affectedBy(changed);
      const { name: pkg } = JSON.parse(await readFile(join(ROOT, app.root, 'package.json'), 'utf8')) as {
        name: string;
      };
      for (const [project, files] of byProject) {
        if (!affected.includes(project)) {
          missing.push(
            `${project} starts ${app.name} (${files.join(', ')}), but \`nx show projects --affected --files=${changed}\` leaves it out: ` +
              `declare "${pkg}" in its package.json (libs may not depend on apps: move such tests to tools/e2e)`,
          );
        }
      }
    }
    expect(missing).toEqual([]);
  }, 300_000);

  it('lets what runs in browsers (scope:browser) depend only on what runs in browsers', () => {
    const browser = new Set(projects.filter((p) => p.tags.includes('scope:browser')).map((p) => p.name));
    // DESIGN: the SDK runs in browsers and depends on nothing server-side; the protocol on nothing.
    expect([...browser]).toEqual(expect.arrayContaining(['client', 'protocol']));
    const serverSide = projects
      .filter((p) => browser.has(p.name))
      .flatMap((p) => p.dependsOn.filter((d) => !browser.has(d)).map((d) => `${p.name} -> ${d}`));
    expect(serverSide).toEqual([]);
  });
});
