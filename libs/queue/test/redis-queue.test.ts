import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { closeRedis, createKeys, createRedis, type RedisClient } from '@defi-realtime/redis';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '@defi-realtime/redis/testing';
import {
  EXIT_WITH_PARENT,
  eventually,
  sleep,
  START_TEST_TIMEOUT_MS,
  withTimeout,
} from '@defi-realtime/runtime/testing';
import { runConsumer } from '../src/consumer/run-consumer';
import { createQueue } from '../src/create-queue';
import type { Queue } from '../src/queue';
import { readReply } from '../src/redis/replies';
import { payloads, redisHarness } from './harness';
import { queueContract } from './queue.contract';

queueContract('RedisQueue', redisHarness);

describe('RedisQueue on Redis', () => {
  const url = redisUrlForTests();
  let admin: RedisClient;
  let prefix: string;
  const queues: Queue[] = [];
  const open = async (): Promise<Queue> => {
    const queue = await createQueue({ redisUrl: url, prefix });
    queues.push(queue);
    return queue;
  };

  beforeEach(async () => {
    await requireRedis(url);
    admin = createRedis(url);
    prefix = uniquePrefix('queue-redis');
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.close()));
    await cleanupPrefix(admin, prefix);
    await closeRedis(admin);
  });

  it('keeps a stream at <prefix>:{stream:<name>} with the payload in field p', async () => {
    const queue = await open();
    const [id] = await queue.add('events', ['{"a":1}']);
    const key = createKeys(prefix).stream('events');
    expect(key).toBe(`${prefix}:{stream:events}`);
    expect(await admin.type(key)).toBe('stream');
    expect(await admin.xrange(key, '-', '+')).toEqual([[id, ['p', '{"a":1}']]]);
  });

  it('re-creates a group lost with its stream (deleted or flushed) and reads what arrived since', async () => {
    const queue = await open();
    await queue.ensureGroup('s', 'g', 'end');
    await queue.add('s', ['before']);
    await admin.del(createKeys(prefix).stream('s'));
    await queue.add('s', ['after-1', 'after-2']);
    expect((await queue.read('s', 'g', 'c')).map((e) => e.payload)).toEqual(['after-1', 'after-2']);
  });

  it('blocks on a connection of its own: the given client keeps answering, and stays open after close', async () => {
    const client = createRedis(url);
    try {
      const queue = await createQueue({ redis: client, prefix });
      await queue.ensureGroup('s', 'g');
      const blocked = queue.read('s', 'g', 'c', { blockMs: 3_000 });
      await sleep(100);
      const started = Date.now();
      expect(await client.ping()).toBe('PONG');
      expect(await queue.length('s')).toBe(0);
      expect(Date.now() - started).toBeLessThan(500);
      await queue.add('s', ['x']);
      expect((await blocked).map((e) => e.payload)).toEqual(['x']);
      await queue.close();
      expect(await client.ping()).toBe('PONG');
    } finally {
      await closeRedis(client);
    }
  });

  it('rejects createQueue for an unreachable Redis, naming the URL', async () => {
    await expect(createQueue({ redisUrl: 'redis://127.0.0.1:1', redisOptions: { reconnect: false } })).rejects.toThrow(
      /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/,
    );
    await expect(createQueue({ redisUrl: url, redis: admin })).rejects.toThrow(/either redisUrl or redis/);
  });

  it('refuses a reply it does not understand', () => {
    expect(() => readReply([['k', 'not entries']])).toThrow(/unexpected XREADGROUP reply/);
  });

  it(
    'hands the entries of a SIGKILLed consumer process to another, each handled exactly once',
    async () => {
      const producer = await open();
      await producer.ensureGroup('jobs', 'workers');
      const first = await producer.add('jobs', payloads(20));

      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--import', EXIT_WITH_PARENT, resolve(__dirname, 'fixtures/crashing-consumer.ts')],
        {
          env: {
            ...process.env,
            NODE_OPTIONS: '',
            REDIS_URL: url,
            QUEUE_PREFIX: prefix,
            STREAM: 'jobs',
            GROUP: 'workers',
            CONSUMER: 'doomed',
          },
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        },
      );
      const exited = new Promise((done) => child.once('exit', done));
      try {
        const took = await withTimeout(
          new Promise<string[]>((done) =>
            createInterface({ input: child.stdout! }).once('line', (line) =>
              done((JSON.parse(line) as { took: string[] }).took),
            ),
          ),
          START_TEST_TIMEOUT_MS - 30_000,
          'the child consumer to take a batch',
        );
        expect(took).toEqual(first);
        expect(await producer.pendingCount('jobs', 'workers')).toBe(20);
      } finally {
        child.kill('SIGKILL');
        await exited;
      }

      const counts = new Map<string, number>();
      const survivor = runConsumer({
        queue: await open(),
        stream: 'jobs',
        group: 'workers',
        consumer: 'survivor',
        blockMs: 100,
        claimIdleMs: 500,
        claimEveryMs: 100,
        logger: { debug: () => undefined, warn: () => undefined, error: () => undefined },
        handle: async (entries) => {
          for (const e of entries) counts.set(e.payload, (counts.get(e.payload) ?? 0) + 1);
        },
      });
      try {
        const later = await producer.add('jobs', payloads(5, 20)); // new work keeps flowing meanwhile
        expect(later).toHaveLength(5);
        await eventually(() => expect(counts.size).toBe(25), 10_000);
        await sleep(700); // past claimIdleMs: nothing is handed out twice
        expect([...counts.entries()].sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual(
          payloads(25).map((p) => [p, 1]),
        );
        await eventually(async () => expect(await producer.pendingCount('jobs', 'workers')).toBe(0));
      } finally {
        await survivor.stop();
      }
    },
    START_TEST_TIMEOUT_MS,
  );
});
