import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { closeRedis, createRedis } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis } from '@defi-realtime/redis/testing';
import { withTimeout } from '@defi-realtime/runtime/testing';

describe('a failed start', () => {
  const redisUrl = redisUrlForTests();
  const prefix = `t_failed_start_${randomBytes(4).toString('hex')}`;
  let database: TestDatabase;

  beforeAll(async () => {
    await requireRedis(redisUrl);
    database = await createTestDatabase('postgres');
  }, 60_000);
  afterAll(async () => {
    await database?.cleanup();
    const admin = createRedis(redisUrl);
    await cleanupPrefix(admin, prefix);
    await closeRedis(admin);
  });

  it('(port already in use) closes the database, engine, queue and simulator it opened: the process can exit', async () => {
    const databaseUrl = `${database.url}?options=${encodeURIComponent(`-c search_path=${database.schema}`)}`;
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'fixtures/start-on-taken-port.ts')], {
      env: { ...process.env, NODE_OPTIONS: '', DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, REDIS_PREFIX: prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      // Start-up takes a few seconds (tsx, migrations); an open connection would keep it alive for good.
      const code = await withTimeout(exited, 30_000, 'the process to exit after its failed start').catch(
        (error: Error) => {
          throw new Error(`${error.message}; its output: ${output}`);
        },
      );
      expect(output).toContain('start failed: EADDRINUSE');
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);
});
