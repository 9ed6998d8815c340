/*
 * The client's decisions, with the test playing the server over a fake transport:
 * which closes stop it, which resume, what it sends after a reconnect.
 */
import { ConnectionState, RealtimeClient, SubscriptionState, type RealtimeClientOptions, type Update } from '../src';
import { fakeTransport } from './support/fake-server';
import { eventually, nextEvent } from '../src/testing';

describe('RealtimeClient decisions (scripted server)', () => {
  const clients: RealtimeClient[] = [];
  const setup = (options: Partial<RealtimeClientOptions> = {}) => {
    const { factory, sockets } = fakeTransport();
    const client = new RealtimeClient({
      url: 'ws://fake',
      apiKey: 'drt_key',
      transport: factory,
      random: () => 0,
      minReconnectDelayMs: 0,
      maxReconnectDelayMs: 10,
      ...options,
    } as RealtimeClientOptions);
    clients.push(client);
    const socket = async (n: number) => {
      await eventually(() => sockets.length > n && sockets[n]!.sent.length > 0, `connection ${n + 1}`, 2_000);
      return sockets[n]!;
    };
    return { client, sockets, socket };
  };

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('authenticates by message first, then sends what was subscribed before the connection was up', async () => {
    const { client, socket } = setup();
    const subscription = client.subscribe(['prices'], { options: { throttleMs: 100 } });
    const connected = client.connect();
    const s = await socket(0);
    expect(s.sent[0]).toEqual({ type: 'authenticate', apiKey: 'drt_key' });
    s.welcome();
    await connected;
    expect(s.sentOf('subscribe')).toEqual([
      { type: 'subscribe', id: 1, channels: ['prices'], options: { throttleMs: 100 } },
    ]);
    s.subscribed(7);
    await subscription.ready();
    expect(subscription.positions()).toEqual({ prices: { offset: 7, epoch: 'e1' } });
  });

  it('stops for good on 4003 FORBIDDEN: state failed, no second attempt', async () => {
    const { client, sockets, socket } = setup();
    const subscription = client.subscribe('prices');
    void client.connect().catch(() => undefined);
    const s = await socket(0);
    s.welcome();
    s.serverCloses(4003, 'FORBIDDEN', 'your tier has no WebSocket access');
    expect(client.state).toBe(ConnectionState.Failed);
    expect(client.error).toMatchObject({
      code: 'FORBIDDEN',
      closeCode: 4003,
      message: 'your tier has no WebSocket access',
    });
    expect(subscription.state).toBe(SubscriptionState.Failed);
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets).toHaveLength(1);
  });

  it('after a silent drop (no close frame) it reconnects with since from its own positions, not resume', async () => {
    const { client, socket } = setup();
    const subscription = client.subscribe('prices');
    const disconnected = nextEvent(client, 'disconnected');
    await Promise.all([client.connect(), socket(0).then((s) => s.welcome())]);
    const first = await socket(0);
    first.subscribed(1);
    first.price('prices', 2);
    first.serverCloses(1006);
    expect((await disconnected).error).toMatchObject({ code: 'CONNECTION_LOST', temporary: true });
    const second = await socket(1);
    second.welcome();
    await eventually(() => second.sentOf('subscribe').length === 1, 'the re-subscribe');
    expect(second.sentOf('resume')).toEqual([]);
    expect(second.sentOf('subscribe')[0]).toMatchObject({
      channels: ['prices'],
      since: { prices: { offset: 2, epoch: 'e1' } },
    });
    expect(subscription.state).toBe(SubscriptionState.Subscribing);
  });

  it('keeps the backoff growing across repeated 4008 SLOW_CONSUMER closes, and resumes each time', async () => {
    const { client, socket } = setup({ random: () => 0.999, minReconnectDelayMs: 1, maxReconnectDelayMs: 1_000 });
    client.subscribe('prices');
    const delays: number[] = [];
    client.on('disconnected', (d) => delays.push(d.reconnectInMs!));
    void client.connect();
    for (let n = 0; n < 4; n++) {
      const s = await socket(n);
      s.welcome({}, `rt-${n}`);
      if (n === 0) {
        await eventually(() => s.sentOf('subscribe').length === 1, 'subscribe');
        s.subscribed(1);
      } else {
        await eventually(() => s.sentOf('resume').length === 1, `resume ${n}`);
        expect(s.sentOf('resume')[0]!.resumeToken).toBe(`rt-${n - 1}`);
        s.serverSends({
          type: 'subscription_result',
          id: s.sentOf('resume')[0]!.id,
          results: [{ channel: 'prices', status: 'subscribed', position: { offset: 1, epoch: 'e1' }, recovered: true }],
        });
      }
      s.serverCloses(4008, 'SLOW_CONSUMER', 'send buffer over 1048576 bytes');
    }
    expect(delays).toEqual([0, 1, 3, 7]);
  });

  it('resumes after GOING_AWAY, and unsubscribes what the application left while it was away', async () => {
    const { client, socket } = setup();
    const kept = client.subscribe('prices');
    const left = client.subscribe('tvl');
    await Promise.all([client.connect(), socket(0).then((s) => s.welcome())]);
    const first = await socket(0);
    await eventually(() => first.sentOf('subscribe').length === 2, 'two subscribes');
    for (const request of first.sentOf('subscribe')) first.subscribed(3, request);
    first.serverCloses(1001, 'GOING_AWAY');
    left.unsubscribe();
    const second = await socket(1);
    second.welcome({}, 'rt-2');
    await eventually(() => second.sentOf('resume').length === 1, 'resume');
    const resume = second.sentOf('resume')[0]!;
    expect(resume.resumeToken).toBe('rt-1');
    const recovered = nextEvent(kept, 'recovered');
    second.serverSends({
      type: 'subscription_result',
      id: resume.id,
      results: [
        { channel: 'prices', status: 'subscribed', position: { offset: 3, epoch: 'e1' }, recovered: true },
        { channel: 'tvl', status: 'subscribed', position: { offset: 3, epoch: 'e1' }, recovered: true },
      ],
    });
    expect(await recovered).toEqual({ recovered: true, reason: 'resume', channels: { prices: true } });
    expect(second.sentOf('unsubscribe')).toEqual([expect.objectContaining({ channels: ['tvl'] })]);
    expect(kept.state).toBe(SubscriptionState.Subscribed);
  });

  it('asks for the missing events when a resume record is ahead of what arrived (frames lost in flight)', async () => {
    const { client, socket } = setup();
    const subscription = client.subscribe('prices');
    const got: Update[] = [];
    subscription.on('update', (u) => got.push(u));
    await Promise.all([client.connect(), socket(0).then((s) => s.welcome())]);
    const first = await socket(0);
    first.subscribed(1);
    first.price('prices', 2);
    first.serverCloses(1001, 'GOING_AWAY');
    const second = await socket(1);
    second.welcome();
    await eventually(() => second.sentOf('resume').length === 1, 'resume');
    // The server believes offsets 3 and 4 were delivered: its replay starts at 5.
    second.serverSends({
      type: 'subscription_result',
      id: second.sentOf('resume')[0]!.id,
      results: [{ channel: 'prices', status: 'subscribed', position: { offset: 4, epoch: 'e1' }, recovered: true }],
    });
    second.price('prices', 5);
    await eventually(() => second.sentOf('subscribe').length === 1, 'the follow-up subscribe');
    expect(second.sentOf('subscribe')[0]).toMatchObject({
      channels: ['prices'],
      since: { prices: { offset: 2, epoch: 'e1' } },
    });
    second.subscribed(2, undefined, true);
    for (const offset of [3, 4, 5]) second.price('prices', offset);
    expect(got.map((u) => u.position.offset)).toEqual([2, 3, 4, 5]);
  });

  it('with getToken: a fresh token per attempt, one more try after UNAUTHORIZED, then failed', async () => {
    let n = 0;
    const getToken = jest.fn(async () => `jwt-${++n}`);
    const { client, socket } = setup({ apiKey: undefined, getToken });
    const failed = nextEvent(client, 'state', (s) => s.new === ConnectionState.Failed);
    void client.connect().catch(() => undefined);
    const first = await socket(0);
    expect(first.sent[0]).toEqual({ type: 'authenticate', token: 'jwt-1' });
    first.serverCloses(4001, 'UNAUTHORIZED', 'token expired');
    const second = await socket(1);
    expect(second.sent[0]).toEqual({ type: 'authenticate', token: 'jwt-2' });
    second.serverCloses(4001, 'UNAUTHORIZED', 'token expired');
    expect((await failed).error).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(getToken).toHaveBeenCalledTimes(2);
  });

  it('refuses a channel another subscription holds, and a subscribe larger than the server accepts', async () => {
    const { client, socket } = setup();
    client.subscribe(['prices', 'TVL']);
    expect(() => client.subscribe('tvl')).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_CHANNEL', channel: 'tvl' }),
    );
    await Promise.all([client.connect(), socket(0).then((s) => s.welcome({ maxMessageBytes: 1_024 }))]);
    const huge = client.subscribe(Array.from({ length: 60 }, (_, i) => `token:coingecko:token-number-${i}`));
    await expect(huge.ready()).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', temporary: false });
  });

  it('drops a malformed frame and reports it, without losing the connection', async () => {
    const { client, socket } = setup();
    await Promise.all([client.connect(), socket(0).then((s) => s.welcome())]);
    const s = await socket(0);
    const error = nextEvent(client, 'error');
    s.serverSends({ type: 'price_update', channel: 'prices', position: { offset: -1 } });
    expect(await error).toMatchObject({ code: 'INVALID_MESSAGE' });
    s.serverSends('{"type":"from_the_future"}'); // an unknown type is skipped quietly
    s.serverSends('not json');
    expect(client.state).toBe(ConnectionState.Connected);
  });
});
