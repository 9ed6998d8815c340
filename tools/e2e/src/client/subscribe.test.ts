/*
 * Subscribe and receive, filters and throttle as the application sees them, against a
 * real gateway process on real Redis and PostgreSQL.
 */
import { ConnectionState, RealtimeClient, SubscriptionState, type Update } from '@defi-realtime/client';
import { createEnvironment, type TestEnvironment } from './support/environment';
import { priceEvent, tvlEvent } from './support/events';
import { closeAfterAll, eventually, nextEvent, sleep, START_TEST_TIMEOUT_MS } from './support/wait';

describe('RealtimeClient against a gateway', () => {
  let env: TestEnvironment;
  const clients: RealtimeClient[] = [];
  const open = async () => {
    const client = new RealtimeClient({ url: env.gateway.wsUrl, apiKey: env.key });
    clients.push(client);
    await client.connect();
    return client;
  };

  const started = closeAfterAll();
  beforeAll(async () => {
    env = await started.add(createEnvironment(), async (e) => {
      await Promise.all(clients.map((c) => c.close()));
      await e.cleanup();
    });
  }, START_TEST_TIMEOUT_MS);

  it('connects, subscribes and receives updates in order, as typed messages', async () => {
    const client = await open();
    expect(client.state).toBe(ConnectionState.Connected);
    expect(client.connectionId).toEqual(expect.any(String));
    const subscription = client.subscribe(['prices', 'token:coingecko:ethereum']);
    const states: string[] = [];
    subscription.on('state', (change) => states.push(`${change.old}->${change.new}`));
    await subscription.ready();
    expect(subscription.state).toBe(SubscriptionState.Subscribed);
    expect(subscription.channels).toEqual(['prices', 'token:coingecko:ethereum']);

    const got: Update[] = [];
    subscription.on('update', (u) => got.push(u));
    for (const price of [3000, 3010, 3020]) await env.publish(priceEvent(price));
    await eventually(() => got.length === 6, 'six updates (3 events x 2 channels)');
    const onPrices = got.filter((u) => u.channel === 'prices');
    expect(onPrices.map((u) => (u.type === 'price_update' ? u.data.price : 0))).toEqual([3000, 3010, 3020]);
    expect(onPrices.map((u) => u.position.offset)).toEqual([1, 2, 3].map((n) => onPrices[0]!.position.offset + n - 1));
    expect(states).toEqual(['subscribing->subscribed']);
  });

  it('reads updates with for await, and the loop ends on unsubscribe', async () => {
    const client = await open();
    const subscription = client.subscribe('protocol:aave-v3');
    await subscription.ready();
    const seen: number[] = [];
    const loop = (async () => {
      for await (const update of subscription) {
        if (update.type === 'tvl_update') seen.push(update.data.tvl);
        if (seen.length === 2) subscription.unsubscribe();
      }
    })();
    await env.publish(tvlEvent('aave-v3', 100));
    await env.publish(tvlEvent('aave-v3', 200));
    await loop;
    expect(seen).toEqual([100, 200]);
    expect(subscription.state).toBe(SubscriptionState.Unsubscribed);
  });

  it('applies filters on the server: only matching events arrive', async () => {
    const client = await open();
    const subscription = client.subscribe('prices', { filters: { tokenIds: ['coingecko:bitcoin'], minValue: 50_000 } });
    await subscription.ready();
    const got: Update[] = [];
    subscription.on('update', (u) => got.push(u));
    await env.publish(priceEvent(3000)); // ETH: other token
    await env.publish(priceEvent(40_000, { tokenId: 'coingecko:bitcoin', symbol: 'BTC' })); // below minValue
    await env.publish(priceEvent(60_000, { tokenId: 'coingecko:bitcoin', symbol: 'BTC' }));
    // Published last and delivered in order: the others, had they passed the filter, came first.
    await eventually(() => got.length === 1, 'the one matching update');
    expect(got.map((u) => (u.type === 'price_update' ? [u.data.tokenId, u.data.price] : []))).toEqual([
      ['coingecko:bitcoin', 60_000],
    ]);
    // Filtered streams skip offsets by design: no gap recovery may be started for them.
    expect(subscription.recovered).toBeUndefined();
  });

  it('throttles: a burst is conflated to the first and the latest value', async () => {
    const client = await open();
    const subscription = client.subscribe('token:coingecko:ethereum', { options: { throttleMs: 400 } });
    await subscription.ready();
    const prices: number[] = [];
    subscription.on('update', (u) => {
      if (u.type === 'price_update') prices.push(u.data.price);
    });
    const recovered = jest.fn();
    subscription.on('recovered', recovered);
    for (let i = 1; i <= 10; i++) await env.publish(priceEvent(4000 + i));
    await eventually(() => prices.at(-1) === 4010, 'the latest price after the throttle period');
    await sleep(500);
    expect(prices[0]).toBe(4001);
    expect(prices.length).toBeLessThanOrEqual(3);
    expect(recovered).not.toHaveBeenCalled();
  });

  it('refuses a bad channel per channel and keeps the others', async () => {
    const client = await open();
    const subscription = client.subscribe(['tvl', 'nonsense:x:y']);
    const error = nextEvent(subscription, 'error');
    await subscription.ready();
    expect((await error).code).toBe('UNKNOWN_CHANNEL');
    expect(subscription.channels).toEqual(['tvl']);
    const failed = client.subscribe('alerts:someone-else');
    await expect(failed.ready()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(failed.state).toBe(SubscriptionState.Failed);
  });

  it('fails at once, with the HTTP status, when the endpoint refuses the handshake (wrong path)', async () => {
    const client = new RealtimeClient({
      url: `${env.gateway.httpUrl}/v1/realtime`,
      apiKey: env.key,
      minReconnectDelayMs: 10,
      maxReconnectDelayMs: 20,
    });
    clients.push(client);
    await expect(client.connect()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
      temporary: false,
      message: 'the WebSocket endpoint is /v2/realtime',
    });
    expect(client.state).toBe(ConnectionState.Failed);
  });
});
