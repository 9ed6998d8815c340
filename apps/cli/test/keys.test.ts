import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { ApiKeyStore } from '@defi-realtime/auth';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { runKeysCli } from './support/cli';

// Each test starts the CLI as child processes, each compiled by tsx at start: on a busy
// machine that takes seconds per run, more than the default test budget.
const CLI_TEST_TIMEOUT_MS = START_TEST_TIMEOUT_MS;

// `defi-realtime keys`, the operator's command, run as a real child process against a
// unique schema on the test PostgreSQL: the schema goes into DATABASE_URL as a connection
// option (search_path).
describe('keys CLI', () => {
  let testDb: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    testDb = await createTestDatabase('postgres');
    const url = new URL(testDb.url as string);
    url.searchParams.set('options', `-c search_path=${testDb.schema}`);
    env = { DATABASE_URL: url.toString() };
  });
  afterAll(async () => {
    await testDb?.cleanup();
  });

  it(
    'create prints a key once that then authenticates; list shows it; revoke revokes it',
    async () => {
      const created = await runKeysCli(['create', '--tier', 'pro', '--name', 'alice', '--owner', 'acme'], env);
      expect(created).toMatchObject({ code: 0 });
      const key = created.stdout.match(/drt_[0-9A-Za-z]{32}/)?.[0];
      expect(key).toBeDefined();
      expect(created.stderr).toMatch(/cannot be shown again/);

      const store = new ApiKeyStore(testDb.db, { cacheTtlMs: 0 });
      expect(await store.authenticate(key as string)).toMatchObject({ tier: 'pro', owner: 'acme', via: 'api_key' });

      const listed = await runKeysCli(['list'], env);
      expect(listed.code).toBe(0);
      const [header, row] = listed.stdout.trim().split('\n');
      expect(header).toMatch(/^id\s+prefix\s+name\s+tier\s+owner\s+created\s+revoked\s+last used$/);
      expect(row).toContain((key as string).slice(0, 12));
      expect(row).toMatch(/alice\s+pro\s+acme/);
      expect(listed.stdout).not.toContain(key);

      const revoked = await runKeysCli(['revoke', (key as string).slice(0, 12)], env);
      expect(revoked).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Revoked API key drt_/) });
      expect(await store.authenticate(key as string)).toBeNull();
      expect((await runKeysCli(['list'], env)).stdout).toMatch(/No live API keys/);
      const all = await runKeysCli(['list', '--all', '--json'], env);
      expect(JSON.parse(all.stdout)).toEqual([
        expect.objectContaining({ name: 'alice', revokedAt: expect.any(String) }),
      ]);
      await store.flush();
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'exits 2 with a message on bad usage',
    async () => {
      const runs = await Promise.all([
        runKeysCli([], env),
        runKeysCli(['frobnicate'], env),
        runKeysCli(['create', '--name', 'x'], env),
        runKeysCli(['create', '--tier', 'gold', '--name', 'x'], env),
        runKeysCli(['list', '--bogus'], env),
        runKeysCli(['revoke'], env),
        runKeysCli(['list'], {}),
      ]);
      expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2, 2, 2, 2]);
      const [none, unknown, missing, tier, option, revoke, noDb] = runs.map((r) => r.stderr);
      expect(none).toMatch(/Usage: defi-realtime keys <command>/);
      expect(unknown).toMatch(/Unknown command "frobnicate"/);
      expect(missing).toMatch(/create needs --tier and --name/);
      expect(tier).toMatch(/Unknown tier "gold": expected one of free, pro, enterprise/);
      expect(option).toMatch(/Unknown option '--bogus'/);
      expect(revoke).toMatch(/revoke takes exactly one <id\|prefix>/);
      expect(noDb).toMatch(/DATABASE_URL is not set[\s\S]*npm start[\s\S]*SEED_API_KEYS/);
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    'prints help for each command, and fails (1) to revoke a key that does not exist',
    async () => {
      const [main, create, list, revoke, missing] = await Promise.all([
        runKeysCli(['--help'], {}),
        runKeysCli(['create', '--help'], {}),
        runKeysCli(['list', '--help'], {}),
        runKeysCli(['revoke', '--help'], {}),
        runKeysCli(['revoke', 'drt_nosuchkey'], env),
      ]);
      expect([main, create, list, revoke].map((r) => r.code)).toEqual([0, 0, 0, 0]);
      expect(create.stdout).toMatch(/--tier\s+free, pro, enterprise/);
      expect(list.stdout).toMatch(/--all\s+include revoked keys/);
      expect(revoke.stdout).toMatch(/within 10 s/);
      expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/No API key matches "drt_nosuchkey"/) });
    },
    CLI_TEST_TIMEOUT_MS,
  );
});
