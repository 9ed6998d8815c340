import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '../src/create-database';
import { migrate } from '../src/migrate';

// Two PGlite starts (a few seconds each, over a minute on a busy machine), so this lives
// in its own file and runs in parallel.
jest.setTimeout(240_000);

describe('PGlite with a data directory', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'db-pglite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps data and applied migrations across restarts, in the chosen schema', async () => {
    const first = await createDatabase({ pgliteDir: dir, schema: 'app' });
    expect(first.kind).toBe('pglite');
    expect((await migrate(first)).applied).toContain('001_initial.sql');
    await first.query("INSERT INTO tokens (id, symbol) VALUES ('coingecko:ethereum', 'ETH')");
    await first.close();
    await first.close(); // idempotent
    await expect(first.query('SELECT 1')).rejects.toThrow(/query failed: the database is closed/);

    const second = await createDatabase({ pgliteDir: dir, schema: 'app' });
    try {
      expect((await migrate(second)).applied).toEqual([]);
      const { rows } = await second.query('SELECT current_schema() AS s, (SELECT symbol FROM tokens) AS symbol');
      expect(rows).toEqual([{ s: 'app', symbol: 'ETH' }]);
    } finally {
      await second.close();
    }
  });
});
