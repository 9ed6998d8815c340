import {
  closeAfterAll,
  priceEvent,
  START_TEST_TIMEOUT_MS,
  startGateway,
  TestClient,
  type TestGateway,
} from './helpers';

// What a client sees for each kind of message it sends, good or bad.

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  // Small free-tier limits so the limit tests need only a few messages; the pro key keeps the defaults.
  t = await started.add(
    startGateway({
      TIER_LIMITS: JSON.stringify({ free: { maxChannelsPerConnection: 3, subscriptionChangesPerMinute: 3 } }),
    }),
    (g) => g.cleanup(),
  );
}, START_TEST_TIMEOUT_MS);

describe('client messages', () => {
  it('answers malformed JSON with BAD_REQUEST and keeps the connection working', async () => {
    const { client } = await t.client();
    client.send('{"type": "ping", oops');
    expect(await client.next('error')).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/not JSON/),
    });
    expect(await client.request({ type: 'ping', id: 'after-garbage' })).toMatchObject({
      type: 'pong',
      id: 'after-garbage',
      timestamp: expect.any(Number),
    });
    expect(client.isOpen).toBe(true);
  });

  it('names the offending field of a schema error and echoes the id', async () => {
    const { client } = await t.client();
    expect(await client.request({ type: 'subscribe', id: 's-1', channels: 'prices' })).toMatchObject({
      type: 'error',
      code: 'BAD_REQUEST',
      field: 'channels',
    });
    // A misspelt field is refused by name rather than silently ignored.
    expect(
      await client.request({ type: 'subscribe', id: 's-2', channels: ['prices'], option: { throttleMs: 5 } }),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'option' });
    expect(
      await client.request({ type: 'subscribe', id: 's-3', channels: ['prices'], options: { throttleMs: -1 } }),
    ).toMatchObject({ code: 'BAD_REQUEST', field: 'options.throttleMs' });
    expect(await client.request({ type: 'hello', id: 's-4' })).toMatchObject({ code: 'BAD_REQUEST', field: 'type' });
  });

  it('accepts `action` as an alias of `type`', async () => {
    const { client } = await t.client();
    expect(await client.request({ action: 'ping', id: 7 })).toMatchObject({ type: 'pong', id: 7 });
  });

  it('answers an unknown channel with a per-channel error and still subscribes the valid ones', async () => {
    const { client } = await t.client();
    const result = await client.subscribe(['prices', 'foo', 'token:nonsense', 'chain:ethereum:prices']);
    expect(result.results).toEqual([
      { channel: 'prices', status: 'subscribed', position: { offset: expect.any(Number), epoch: expect.any(String) } },
      {
        channel: 'foo',
        status: 'error',
        error: { code: 'UNKNOWN_CHANNEL', message: expect.stringContaining("unknown channel kind 'foo'") },
      },
      { channel: 'token:nonsense', status: 'error', error: { code: 'UNKNOWN_CHANNEL', message: expect.any(String) } },
      { channel: 'chain:ethereum:prices', status: 'subscribed', position: expect.any(Object) },
    ]);
    // The valid channels really are live.
    await t.publish(priceEvent({ price: 3000 }));
    expect(await client.next((m) => m.type === 'price_update' && m.channel === 'chain:ethereum:prices')).toMatchObject({
      data: { price: 3000 },
    });
  });

  it("refuses someone else's alerts channel with FORBIDDEN, per channel", async () => {
    const { client } = await t.client();
    const result = await client.subscribe(['alerts:seed:drt_someone', 'alerts']);
    expect(result.results).toEqual([
      {
        channel: 'alerts:seed:drt_someone',
        status: 'error',
        error: { code: 'FORBIDDEN', message: expect.any(String) },
      },
      { channel: 'alerts', status: 'subscribed', position: expect.any(Object) },
    ]);
    expect(client.isOpen).toBe(true);
  });

  it('answers aliases with the canonical channel names', async () => {
    const { client } = await t.client();
    const result = await client.subscribe([
      'events:prices',
      'uniswap-v3:ethereum',
      'tvl_changes',
      'TOKEN:coingecko:Ethereum',
    ]);
    expect(result.results.map((r: { channel: string; status: string }) => [r.channel, r.status])).toEqual([
      ['prices', 'subscribed'],
      ['protocol:uniswap-v3:ethereum', 'subscribed'],
      ['tvl', 'subscribed'],
      ['token:coingecko:ethereum', 'subscribed'],
    ]);
    await t.publish(priceEvent({ price: 3001 }));
    // Data messages name the canonical channel too.
    const received = await client.next((m) => m.type === 'price_update' && m.channel === 'token:coingecko:ethereum');
    expect(received.data.price).toBe(3001);
  });

  it('lists the current subscriptions with their positions', async () => {
    const { client } = await t.client();
    await client.subscribe(['prices', 'protocol:aave-v3']);
    const list = await client.request({ type: 'list_subscriptions', id: 'list-1' });
    expect(list).toMatchObject({ type: 'subscription_result', id: 'list-1' });
    expect(list.results).toEqual(
      expect.arrayContaining([
        { channel: 'prices', status: 'subscribed', position: expect.any(Object) },
        { channel: 'protocol:aave-v3', status: 'subscribed', position: expect.any(Object) },
      ]),
    );
    expect(list.results).toHaveLength(2);
  });

  it('stops sending a channel once unsubscribed', async () => {
    const { client } = await t.client();
    await client.subscribe(['prices', 'token:coingecko:bitcoin']);
    const result = await client.request({ type: 'unsubscribe', id: 'u-1', channels: ['events:prices', 'tvl'] });
    expect(result.results).toEqual([
      { channel: 'prices', status: 'unsubscribed', position: expect.any(Object) },
      { channel: 'tvl', status: 'error', error: { code: 'NOT_FOUND', message: expect.any(String) } },
    ]);
    await t.publish(priceEvent({ price: 3002 }));
    // Published after the ETH price: once it arrives, the ETH price would have too, had it been sent.
    await t.publish(priceEvent({ tokenId: 'coingecko:bitcoin', symbol: 'BTC', price: 90_000 }));
    await client.next((m) => m.type === 'price_update' && m.channel === 'token:coingecko:bitcoin');
    expect(client.data().map((m) => [m.channel, m.data.symbol])).toEqual([['token:coingecko:bitcoin', 'BTC']]);
  });

  it('refuses channels past the tier limit with LIMIT_EXCEEDED and subscribes the rest', async () => {
    const { client, welcome } = await t.client(t.keys.free);
    expect(welcome.limits.maxChannelsPerConnection).toBe(3);
    const result = await client.subscribe([
      'prices',
      'tvl',
      'protocols',
      'token:coingecko:bitcoin',
      'chain:bsc:prices',
    ]);
    expect(result.results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)).toEqual([
      'subscribed',
      'subscribed',
      'subscribed',
      'LIMIT_EXCEEDED',
      'LIMIT_EXCEEDED',
    ]);
    expect((await client.request({ type: 'list_subscriptions', id: 1 })).results).toHaveLength(3);
  });

  it('closes with 4029 after repeated malformed frames, each answered with an error first', async () => {
    const { client } = await t.client();
    for (let i = 0; i < 10 && client.isOpen; i++) client.send(`not json ${i}`);
    const closed = await client.closedWithin();
    expect(closed).toEqual({ code: 4029, reason: 'RATE_LIMITED' });
    const errors = client.messages.filter((m) => m.type === 'error').map((m) => m.code);
    // A few mistakes are tolerated (each gets its BAD_REQUEST); one too many ends the connection.
    expect(errors.filter((c) => c === 'BAD_REQUEST').length).toBeGreaterThanOrEqual(3);
    expect(errors.at(-1)).toBe('RATE_LIMITED');
  });

  it('answers subscription changes past the per-minute limit with RATE_LIMITED, then closes with 4029', async () => {
    const { client, welcome } = await t.client(t.keys.free);
    expect(welcome.limits.subscriptionChangesPerMinute).toBe(3);
    for (let i = 0; i < 3; i++) expect((await client.subscribe(['prices'])).type).toBe('subscription_result');
    const over = await client.request({ type: 'unsubscribe', id: 'over', channels: ['prices'] });
    // Refused, not served: the error says how long to wait.
    expect(over).toMatchObject({
      type: 'error',
      code: 'RATE_LIMITED',
      message: expect.stringMatching(/retry in \d+ s/),
    });
    for (let i = 0; i < 10; i++) client.send({ type: 'subscribe', channels: ['tvl'] });
    expect(await client.closedWithin()).toEqual({ code: 4029, reason: 'RATE_LIMITED' });
    expect(client.messages.filter((m) => m.type === 'subscription_result')).toHaveLength(3);
    const errors = client.messages.filter((m) => m.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.every((m) => m.code === 'RATE_LIMITED')).toBe(true);
  });

  it('closes with 1009 on a frame larger than MAX_MESSAGE_BYTES', async () => {
    const { client, welcome } = await t.client();
    expect(welcome.limits.maxMessageBytes).toBe(65_536);
    client.send({ type: 'subscribe', channels: ['x'.repeat(70_000)] });
    expect((await client.closedWithin()).code).toBe(1009);
  });

  it('tells a client that has not authenticated to do so, without closing', async () => {
    const client = await TestClient.connect(t.url);
    expect(await client.request({ type: 'subscribe', id: 'early', channels: ['prices'] })).toMatchObject({
      type: 'error',
      code: 'UNAUTHORIZED',
      id: 'early',
    });
    client.send({ type: 'authenticate', apiKey: t.keys.pro });
    await client.next('welcome');
    expect((await client.subscribe(['prices'])).results[0]).toMatchObject({ status: 'subscribed' });
    await client.close();
  });

  it('echoes the id of every client message in its reply', async () => {
    const { client } = await t.client();
    expect(await client.request({ type: 'ping', id: 42 })).toMatchObject({ type: 'pong', id: 42 });
    expect(await client.request({ type: 'subscribe', id: 'a', channels: ['prices'] })).toMatchObject({
      type: 'subscription_result',
      id: 'a',
    });
    expect(await client.request({ type: 'list_subscriptions', id: 'b' })).toMatchObject({
      type: 'subscription_result',
      id: 'b',
    });
    expect(await client.request({ type: 'unsubscribe', id: 'c', channels: ['prices'] })).toMatchObject({
      type: 'subscription_result',
      id: 'c',
    });
    expect(await client.request({ type: 'resume', id: 'd', resumeToken: 'nope' })).toMatchObject({
      type: 'error',
      id: 'd',
      code: 'RESUME_FAILED',
    });
    expect(await client.request({ type: 'subscribe', id: 'e', channels: 42 })).toMatchObject({
      type: 'error',
      id: 'e',
      code: 'BAD_REQUEST',
    });
  });
});
