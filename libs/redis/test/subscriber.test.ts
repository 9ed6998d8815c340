import { createSubscriberConnection, type RedisClient } from '../src/client';
import { createRedis } from '../src/client';
import type { Logger } from '../src/logger';
import { RedisSubscriber } from '../src/subscriber';
import { eventually, setup, sleep, type RedisTestContext } from './util';

// One suite, run for classic (SUBSCRIBE/PUBLISH) and sharded (SSUBSCRIBE/SPUBLISH) pub/sub.
describe.each([
  { mode: 'classic', sharded: false },
  { mode: 'sharded', sharded: true },
])('RedisSubscriber ($mode)', ({ sharded }) => {
  let ctx: RedisTestContext;
  let subscriber: RedisSubscriber;
  let logger: jest.Mocked<Logger>;
  let connectionName: string;

  beforeEach(async () => {
    ctx = await setup(`sub-${sharded ? 's' : 'c'}`);
    connectionName = ctx.prefix.replace(/:/g, '-');
    const named = ctx.track(createRedis(ctx.url, { connectionName }));
    logger = { debug: jest.fn(), warn: jest.fn(), error: jest.fn() };
    subscriber = new RedisSubscriber(createSubscriberConnection(named, { sharded }), { sharded, logger });
  });
  afterEach(async () => {
    await subscriber.close();
    await ctx.cleanup();
  });

  const publish = (channel: string, message: string): Promise<unknown> =>
    sharded ? ctx.client.call('SPUBLISH', channel, message) : ctx.client.publish(channel, message);
  const subscribers = async (channel: string): Promise<number> => {
    const reply = (await ctx.client.call('PUBSUB', sharded ? 'SHARDNUMSUB' : 'NUMSUB', channel)) as unknown[];
    return Number(reply[1]);
  };
  const collect = () => {
    const got: string[] = [];
    const listener = jest.fn((message: string) => void got.push(message));
    return { got, listener };
  };

  it('resolves subscribe only once Redis confirmed it', async () => {
    const channel = ctx.keys.live('a');
    const { got, listener } = collect();
    await subscriber.subscribe(channel, listener);
    expect(await subscribers(channel)).toBe(1);
    await publish(channel, 'hello');
    await eventually(() => expect(got).toEqual(['hello']));
    expect(listener).toHaveBeenCalledWith('hello', channel);
  });

  it('subscribes on the first listener and unsubscribes on the last', async () => {
    const channel = ctx.keys.live('b');
    const one = collect();
    const two = collect();
    await Promise.all([subscriber.subscribe(channel, one.listener), subscriber.subscribe(channel, two.listener)]);
    expect(await subscribers(channel)).toBe(1);
    await subscriber.unsubscribe(channel, one.listener);
    expect(await subscribers(channel)).toBe(1);
    await publish(channel, 'm1');
    await eventually(() => expect(two.got).toEqual(['m1']));
    expect(one.got).toEqual([]);
    await subscriber.unsubscribe(channel, two.listener);
    expect(await subscribers(channel)).toBe(0);
    expect(subscriber.channels()).toEqual([]);
  });

  it('ends consistent after interleaved subscribe/unsubscribe calls', async () => {
    const channel = ctx.keys.live('c');
    const listeners = Array.from({ length: 10 }, () => collect().listener);
    const ops: Promise<void>[] = [];
    for (const l of listeners) {
      ops.push(subscriber.subscribe(channel, l));
      ops.push(subscriber.unsubscribe(channel, l));
    }
    ops.push(subscriber.subscribe(channel, listeners[0]!));
    await Promise.all(ops);
    expect(await subscribers(channel)).toBe(1);
    await subscriber.unsubscribe(channel, listeners[0]!);
    expect(await subscribers(channel)).toBe(0);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const channel = ctx.keys.live('d');
    const good = collect();
    await subscriber.subscribe(channel, () => {
      throw new Error('boom');
    });
    await subscriber.subscribe(channel, good.listener);
    await publish(channel, 'x');
    await eventually(() => expect(good.got).toEqual(['x']));
    expect(logger.error).toHaveBeenCalledWith(expect.objectContaining({ channel }), 'pub/sub listener threw');
  });

  it('resubscribes to every channel after its connection was killed', async () => {
    const channels = [ctx.keys.live('e1'), ctx.keys.live('e2')];
    const got = channels.map(() => collect());
    await Promise.all(channels.map((c, i) => subscriber.subscribe(c, got[i]!.listener)));
    // Kill only this test's subscriber connection: the Redis is shared with other suites.
    expect(await killClient(ctx.client, `${connectionName}:sub`)).toBe(1);
    // Published until it arrives: messages sent while reconnecting are lost (pub/sub is at-most-once).
    await eventually(async () => {
      await Promise.all(channels.map((c) => publish(c, 'after')));
      await sleep(20);
      for (const g of got) expect(g.got).toContain('after');
    }, 10_000);
    for (const c of channels) expect(await subscribers(c)).toBe(1);
  });

  it('rejects subscribe after close', async () => {
    await subscriber.close();
    await expect(subscriber.subscribe(ctx.keys.live('f'), () => undefined)).rejects.toThrow(/closed/);
  });
});

async function killClient(client: RedisClient, name: string): Promise<number> {
  const list = (await client.client('LIST')) as string;
  const line = list.split('\n').find((l) => l.includes(` name=${name} `));
  const id = /(?:^|\s)id=(\d+)/.exec(line ?? '')?.[1];
  if (!id) throw new Error(`no client named ${name} in CLIENT LIST`);
  return (await client.client('KILL', 'ID', id)) as number;
}
