import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** The repository root (this file is tools/graph/src/nx.ts). */
export const ROOT = resolve(__dirname, '../../..');

/** One project of the Nx graph, as `nx graph --file` writes it. */
export interface GraphProject {
  name: string;
  root: string;
  tags: string[];
  /** Names of the projects it depends on (package.json dependencies and imports). */
  dependsOn: string[];
}

/** Run the workspace's nx as CI does (no daemon, no cloud); resolves with its stdout. */
export async function nx(args: string[]): Promise<string> {
  const { NODE_OPTIONS: _jestOptions, ...env } = process.env;
  const { stdout } = await promisify(execFile)(process.execPath, [nxBin(), ...args], {
    cwd: ROOT,
    env: { ...env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** The workspace's `nx` executable (what `npx nx` runs). */
function nxBin(): string {
  const manifest = require.resolve('nx/package.json', { paths: [ROOT] });
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { nx: string } };
  return resolve(dirname(manifest), bin.nx);
}

/** Every project of the workspace with its root, tags and direct dependencies. */
export async function projectGraph(): Promise<GraphProject[]> {
  const dir = await mkdtemp(join(tmpdir(), 'nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    await nx(['graph', `--file=${file}`]);
    const { graph } = JSON.parse(await readFile(file, 'utf8')) as {
      graph: {
        nodes: Record<string, { data: { root: string; tags?: string[] } }>;
        dependencies: Record<string, Array<{ target: string }>>;
      };
    };
    return Object.entries(graph.nodes).map(([name, node]) => ({
      name,
      root: node.data.root,
      tags: node.data.tags ?? [],
      dependsOn: (graph.dependencies[name] ?? []).map((d) => d.target).filter((target) => target in graph.nodes),
    }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `nx show projects --affected --files=<file>`: the projects whose targets a change to `file` reaches. */
export async function affectedBy(file: string): Promise<string[]> {
  return JSON.parse(await nx(['show', 'projects', '--affected', `--files=${file}`, '--json'])) as string[];
}
