import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir } from '../src/migration-files';
import type { TestDatabase } from '../src/testing';

/** The shared suite reads the current file's database through this (set in beforeAll). */
export type GetTestDatabase = () => TestDatabase;

/** Poll until `check` holds; fails the test after `timeoutMs` instead of hanging it. */
export async function waitUntil(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A copy of the real migrations in a temporary directory, plus/overwritten by `files`. */
export async function migrationsCopy(
  files: Record<string, string> = {},
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'db-migrations-'));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(files)) await writeFile(path.join(dir, name), sql);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A random lower-case hex suffix, to keep ids and channels of one test apart from others. */
export function uniqueSuffix(): string {
  return Math.random().toString(16).slice(2, 10);
}

/** A valid-looking api key hash (64 hex chars). */
export function fakeKeyHash(seed: string): string {
  return seed
    .padEnd(64, '0')
    .replace(/[^0-9a-f]/g, 'a')
    .slice(0, 64);
}
