import { createServer, type Server } from 'node:net';
import { cleanupPrefix, redisUrlForTests, requireRedis, uniquePrefix } from '../src/testing';
import { setup } from './util';

describe('requireRedis', () => {
  it('passes when Redis answers', async () => {
    await expect(requireRedis(redisUrlForTests())).resolves.toBeUndefined();
  });

  it('fails fast, naming the URL and how to start Redis, when nothing listens', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await requireRedis(`redis://:secret@127.0.0.1:${port}`).catch((e: Error) => e);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain(`redis://:***@127.0.0.1:${port}`);
    expect((error as Error).message).toContain("redis-server --daemonize yes --port 6379 --save ''");
    expect((error as Error).message).toContain('REDIS_URL');
  });

  it('fails within the timeout when the server accepts but never answers', async () => {
    const silent = await listen();
    try {
      const port = (silent.address() as { port: number }).port;
      const started = Date.now();
      await expect(requireRedis(`redis://127.0.0.1:${port}`, 500)).rejects.toThrow(/not reachable/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('uniquePrefix / cleanupPrefix', () => {
  it('gives distinct valid prefixes', () => {
    const a = uniquePrefix('my test');
    expect(a).toMatch(/^t:my-test:[0-9a-f]{8}$/);
    expect(uniquePrefix('my test')).not.toBe(a);
  });

  it('deletes every key under the prefix and nothing else', async () => {
    const ctx = await setup('cleanup');
    const other = uniquePrefix('other');
    try {
      await ctx.client.set(`${ctx.prefix}:a`, '1');
      await ctx.client.set(`${ctx.prefix}:{b}:c`, '1');
      await ctx.client.set(`${other}:keep`, '1', 'PX', 60_000);
      expect(await cleanupPrefix(ctx.client, ctx.prefix)).toBe(2);
      expect(await ctx.client.exists(`${ctx.prefix}:a`, `${ctx.prefix}:{b}:c`)).toBe(0);
      expect(await ctx.client.exists(`${other}:keep`)).toBe(1);
    } finally {
      await cleanupPrefix(ctx.client, other);
      await ctx.cleanup();
    }
  });
});

async function listen(): Promise<Server> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => sockets.add(socket));
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  }) as typeof server.close;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

async function closedPort(): Promise<number> {
  const server = await listen();
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
