import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseError, MigrationError } from '../../src/errors';
import { migrate, type MigrateResult } from '../../src/migrate';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/migration-files';
import { migrationsCopy, type GetTestDatabase } from '../helpers';

/** Migrations on one engine. `firstRuns`: the two concurrent migrate() calls of beforeAll. */
export function migrationTests(get: GetTestDatabase, firstRuns: () => MigrateResult[]): void {
  const realFiles = async () => (await readdir(defaultMigrationsDir)).filter((f) => f.endsWith('.sql')).sort();

  it('two concurrent first runs apply every file exactly once between them', async () => {
    const applied = firstRuns()
      .flatMap((r) => r.applied)
      .sort();
    expect(applied).toEqual(await realFiles());
    const { rows } = await get().db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.name)).toEqual(await realFiles());
  });

  it('a second run applies nothing (idempotent)', async () => {
    const result = await migrate(get().db);
    expect(result.applied).toEqual([]);
    expect(result.version).toBeGreaterThanOrEqual(1);
    const { rows } = await get().db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe((await realFiles()).length);
  });

  it('records version, name, checksum and applied_at', async () => {
    const { rows } = await get().db.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
      'SELECT version, name, checksum, applied_at FROM schema_migrations WHERE version = 1',
    );
    const [file] = await readMigrationFiles(defaultMigrationsDir);
    expect(rows[0]).toEqual({
      version: 1,
      name: '001_initial.sql',
      checksum: file?.checksum,
      applied_at: expect.any(Date),
    });
  });

  it('applies a new file once', async () => {
    const copy = await migrationsCopy({ '900_test_extra.sql': 'CREATE TABLE test_extra (id int PRIMARY KEY);' });
    try {
      expect((await migrate(get().db, { dir: copy.dir })).applied).toEqual(['900_test_extra.sql']);
      expect((await migrate(get().db, { dir: copy.dir })).applied).toEqual([]);
      const { rows } = await get().db.query("SELECT to_regclass('test_extra') IS NOT NULL AS present");
      expect(rows[0]).toEqual({ present: true });
    } finally {
      await copy.remove();
    }
  });

  it('refuses an applied file whose content changed, naming it', async () => {
    const original = (await readMigrationFiles(defaultMigrationsDir))[0];
    const copy = await migrationsCopy({ '001_initial.sql': `${original?.sql}\n-- edited after the fact\n` });
    try {
      const failure = migrate(get().db, { dir: copy.dir });
      await expect(failure).rejects.toBeInstanceOf(MigrationError);
      await expect(failure).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH', file: '001_initial.sql' });
      await expect(failure).rejects.toThrow(/001_initial\.sql/);
    } finally {
      await copy.remove();
    }
  });

  it('rolls back a failing file, does not record it, and names it', async () => {
    const copy = await migrationsCopy({ '901_broken.sql': 'CREATE TABLE broken_half (x int);\nSELECT 1 / 0;' });
    try {
      const failure = migrate(get().db, { dir: copy.dir });
      await expect(failure).rejects.toBeInstanceOf(DatabaseError);
      await expect(failure).rejects.toMatchObject({ code: '22012', operation: 'migrate 901_broken.sql' });
      await expect(failure).rejects.toThrow(/migrate 901_broken\.sql failed/);
      const { rows } = await get().db.query(
        "SELECT to_regclass('broken_half') IS NULL AS gone, NOT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 901) AS unrecorded",
      );
      expect(rows[0]).toEqual({ gone: true, unrecorded: true });
    } finally {
      await copy.remove();
    }
  });

  it('refuses badly named .sql files', async () => {
    const copy = await migrationsCopy();
    try {
      await writeFile(path.join(copy.dir, '2_no_padding.sql'), 'SELECT 1;');
      await expect(readMigrationFiles(copy.dir)).rejects.toMatchObject({
        code: 'MIGRATION_BAD_NAME',
        file: '2_no_padding.sql',
      });
    } finally {
      await copy.remove();
    }
  });
}
