import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { closeRedis, createBlockingConnection, createRedis, createSubscriberConnection } from '../src/client';
import type { Logger } from '../src/logger';
import { startRedisServer, type RedisServer } from '../src/testing';
import { eventually, withTimeout } from '@defi-realtime/runtime/testing';

// Each test kills and restarts a redis-server of its own, never the shared one.
describe('connection errors when Redis restarts', () => {
  let redis: RedisServer;
  beforeEach(async () => {
    redis = await startRedisServer();
  });
  afterEach(() => redis.stop());

  it('are never printed to stderr by a client without listeners of its own, which then recovers', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'fixtures/plain-client.ts')], {
      env: { ...process.env, REDIS_URL: redis.url },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const exited = new Promise((done) => child.once('exit', done));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await eventually(() => expect(stdout).toContain('pong 1'), 15_000);
      await redis.stop();
      // The second 'reconnecting' comes after a reconnect attempt failed (ECONNREFUSED).
      await eventually(() => expect(stdout).toContain('reconnecting 2'), 10_000);
      await redis.start();
      await eventually(() => expect(stdout).toContain('pong 2'), 10_000);
      expect(stderr).not.toContain('Unhandled error event');
      expect(stderr).toBe('');
    } finally {
      child.stdin.end();
      await withTimeout(exited, 5_000, 'the client process to exit').catch(() => child.kill('SIGKILL'));
    }
  });

  it('go to the logger: one warning per outage for the client and each duplicate, repeats at debug', async () => {
    const logs: Array<{ level: string; msg?: string; connection?: string }> = [];
    const record = (level: string) => (obj: object, msg?: string) =>
      logs.push({ level, msg, connection: (obj as { connection?: string }).connection });
    const logger: Logger = { debug: record('debug'), warn: record('warn'), error: record('error') };
    const client = createRedis(redis.url, { connectionName: 'probe', logger });
    const subscriber = createSubscriberConnection(client);
    const blocking = createBlockingConnection(client);
    const warned = () =>
      logs
        .filter((l) => l.level === 'warn')
        .map((l) => l.connection)
        .sort();
    try {
      await Promise.all([client.ping(), subscriber.ping(), blocking.ping()]);
      await redis.stop();
      await eventually(() => expect(warned()).toEqual(['probe', 'probe:block', 'probe:sub']), 10_000);
      await eventually(
        () => expect(logs.filter((l) => l.level === 'debug' && l.connection === 'probe').length).toBeGreaterThan(0),
        10_000,
      );
      expect(warned()).toHaveLength(3);

      await redis.start();
      await eventually(async () => expect(await client.ping()).toBe('PONG'), 10_000);
      // Ready again: the next outage is reported again.
      await redis.stop();
      await eventually(() => expect(warned().filter((c) => c === 'probe')).toHaveLength(2), 10_000);
      // Closed once connected again: ioredis leaves a connect timer behind when closed mid-attempt.
      await redis.start();
      await eventually(
        () => expect([client, subscriber, blocking].map((c) => c.status)).toEqual(['ready', 'ready', 'ready']),
        10_000,
      );
    } finally {
      await Promise.all([client, subscriber, blocking].map(closeRedis));
    }
  });
});
