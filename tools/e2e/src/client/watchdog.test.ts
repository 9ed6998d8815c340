/*
 * Losses the server cannot see: a link that goes silent (the heartbeat watchdog), and a
 * frame lost in the live stream (gap detection). Short heartbeats: HEARTBEAT_MS=500.
 */
import { RealtimeClient, createWsTransport, type TransportFactory } from '@defi-realtime/client';
import { createEnvironment, type TestEnvironment } from './support/environment';
import { priceEvent } from './support/events';
import { startProxy, type SilentProxy } from './support/proxy';
import { range, record } from './support/recorder';
import { closeAfterAll, eventually, nextEvent, START_TEST_TIMEOUT_MS } from './support/wait';

const HEARTBEAT_MS = 500;

describe('RealtimeClient on a silent link and a lossy stream', () => {
  let env: TestEnvironment;
  let proxy: SilentProxy;
  const clients: RealtimeClient[] = [];
  let price = 2000;
  const publishPrices = async (n: number) => {
    const published: number[] = [];
    for (let i = 0; i < n; i++) {
      published.push(++price);
      await env.publish(priceEvent(price));
    }
    return published;
  };

  const started = closeAfterAll();
  beforeAll(async () => {
    env = await started.add(createEnvironment({ env: { HEARTBEAT_MS: String(HEARTBEAT_MS) } }), async (e) => {
      await Promise.all(clients.map((c) => c.close()));
      await proxy?.close();
      await e.cleanup();
    });
    proxy = await startProxy({ host: '127.0.0.1', port: env.gateway.port });
  }, START_TEST_TIMEOUT_MS);

  it('detects a link that stopped forwarding, reconnects, and recovers what was sent into the void', async () => {
    const client = new RealtimeClient({
      url: proxy.wsUrl,
      apiKey: env.key,
      heartbeatMarginMs: 300,
      minReconnectDelayMs: 50,
      maxReconnectDelayMs: 200,
    });
    clients.push(client);
    await client.connect();
    const subscription = client.subscribe('token:coingecko:ethereum');
    await subscription.ready();
    const recorder = record(client, subscription);
    const before = await publishPrices(3);
    await eventually(() => recorder.updates.length === 3, 'the first three prices');

    const disconnecting = nextEvent(client, 'disconnected', undefined, 10_000).then((d) => ({ ...d, at: Date.now() }));
    const recovering = nextEvent(subscription, 'recovered', undefined, 10_000);
    proxy.freeze();
    const frozenAt = Date.now();
    const lost = await publishPrices(10); // written by the gateway into a link that delivers nothing
    const disconnected = await disconnecting;
    const detectedAfter = disconnected.at - frozenAt;
    const recovered = await recovering;
    const after = await publishPrices(3);
    const all = [...before, ...lost, ...after];
    // Delivery is in order: once the last price is in, a duplicate or a stray one would be too.
    await eventually(() => recorder.prices('token:coingecko:ethereum').at(-1) === all.at(-1), 'the last price', 10_000);

    expect(disconnected.error.code).toBe('HEARTBEAT_TIMEOUT');
    // Two heartbeat intervals plus the margin (1.3 s): never sooner; later only as much as a
    // busy machine delays timers (the code above says the watchdog, not the OS, ended it).
    expect(detectedAfter).toBeGreaterThanOrEqual(HEARTBEAT_MS * 2);
    expect(detectedAfter).toBeLessThan(HEARTBEAT_MS * 2 + 300 + 5_000);
    expect(recovered).toEqual({ recovered: true, reason: 'since', channels: { 'token:coingecko:ethereum': true } });
    expect(recorder.prices('token:coingecko:ethereum')).toEqual(all);
    expect(proxy.connections).toBe(2);
  }, 30_000);

  it('keeps a quiet connection alive where WebSocket pings are invisible (browsers): its own pings get pongs', async () => {
    const inner = createWsTransport();
    const pongs: number[] = [];
    const browserLike: TransportFactory = (url, handlers) =>
      inner(url, {
        ...handlers,
        alive: () => undefined, // a browser never sees the server's pings
        message: (text) => {
          if (text.includes('"pong"')) pongs.push(Date.now());
          handlers.message(text);
        },
      });
    const client = new RealtimeClient({
      url: env.gateway.wsUrl,
      apiKey: env.key,
      heartbeatMarginMs: 300,
      transport: browserLike,
    });
    clients.push(client);
    await client.connect();
    const disconnected = jest.fn();
    client.on('disconnected', disconnected);
    const quietSince = Date.now();
    await eventually(() => pongs.length >= 3, 'three pongs, one per quiet interval');
    const quietIntervals = (Date.now() - quietSince) / HEARTBEAT_MS;
    expect(disconnected).not.toHaveBeenCalled();
    expect(client.state).toBe('connected');
    // One ping per quiet interval, not more (a busy machine only makes them later).
    expect(pongs.length).toBeLessThanOrEqual(Math.ceil(quietIntervals) + 1);
  }, 20_000);

  it('sees a hole in the live stream, re-subscribes with since and delivers the missing event in order', async () => {
    let dropNext = false;
    const inner = createWsTransport();
    // The transport loses one data frame, as a buggy proxy or a lost pub/sub message would.
    const lossy: TransportFactory = (url, handlers) =>
      inner(url, {
        ...handlers,
        message: (text) => {
          if (dropNext && text.includes('"price_update"')) {
            dropNext = false;
            return;
          }
          handlers.message(text);
        },
      });
    const client = new RealtimeClient({ url: env.gateway.wsUrl, apiKey: env.key, transport: lossy });
    clients.push(client);
    await client.connect();
    const subscription = client.subscribe('prices');
    await subscription.ready();
    const recorder = record(client, subscription);
    const first = await publishPrices(2);
    await eventually(() => recorder.updates.length === 2, 'two prices');
    dropNext = true;
    const recovering = nextEvent(subscription, 'recovered', undefined, 10_000);
    const rest = await publishPrices(4);
    const recovered = await recovering;
    // Delivery is in order: once the last price is in, a duplicate or a stray one would be too.
    await eventually(() => recorder.prices('prices').at(-1) === rest.at(-1), 'the last price', 10_000);

    expect(recovered).toEqual({ recovered: true, reason: 'gap', channels: { prices: true } });
    expect(recorder.prices('prices')).toEqual([...first, ...rest]);
    const offsets = recorder.offsets('prices');
    expect(offsets).toEqual(range(offsets[0]!, offsets[0]! + 5));
    expect(client.state).toBe('connected');
  }, 20_000);
});
