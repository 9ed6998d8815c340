import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MigrationError } from './errors';

/** One SQL file of the migrations directory. */
export interface MigrationFile {
  /** The number the file name starts with; files run in this order. */
  version: number;
  /** The file name, e.g. `001_initial.sql`. */
  name: string;
  sql: string;
  /** SHA-256 (hex) of the SQL with line endings normalized. */
  checksum: string;
}

const FILE_NAME = /^(\d{3,})_([a-z0-9_]+)\.sql$/;

/**
 * Where the SQL files are found when no directory is given. Two layouts are supported:
 * - from source (jest, tsx): this file is libs/db/src/*.ts, the files are in libs/db/migrations;
 * - bundled into an app: tsup inlines this library into apps/<app>/dist/main.js, so
 *   __dirname is that dist folder, and the app's build copies libs/db/migrations to
 *   dist/migrations (tools/build/tsup-app.ts).
 * The bundled layout is tried first; if neither exists, migrate() names the source path.
 */
export const defaultMigrationsDir: string = resolveDefaultDir();

function resolveDefaultDir(): string {
  const bundled = path.resolve(__dirname, 'migrations');
  const source = path.resolve(__dirname, '../migrations');
  return existsSync(bundled) ? bundled : source;
}

/** Read and order the migration files; a badly named .sql file or a repeated number is an error. */
export async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    throw new MigrationError(
      'MIGRATIONS_DIR_MISSING',
      `Cannot read the migrations directory ${dir}: ${(err as Error).message}`,
    );
  }
  const files: MigrationFile[] = [];
  for (const name of names.filter((n) => n.endsWith('.sql')).sort()) {
    const match = FILE_NAME.exec(name);
    if (!match) {
      throw new MigrationError(
        'MIGRATION_BAD_NAME',
        `Migration file ${name} must be named NNN_name.sql (digits, then a-z, 0-9 and _)`,
        name,
      );
    }
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({ version: Number(match[1]), name, sql, checksum: checksumOf(sql) });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i += 1) {
    const [prev, file] = [files[i - 1], files[i]];
    if (prev && file && prev.version === file.version) {
      throw new MigrationError(
        'MIGRATION_DUPLICATE_VERSION',
        `Migration files ${prev.name} and ${file.name} share version ${file.version}`,
        file.name,
      );
    }
  }
  return files;
}

/** CRLF and LF give the same checksum: a checkout on Windows must not look like an edit. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}
