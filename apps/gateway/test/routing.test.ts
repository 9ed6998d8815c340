import {
  closeAfterAll,
  alertEvent,
  priceEvent,
  protocolEvent,
  seededOwner,
  sleep,
  START_TEST_TIMEOUT_MS,
  startGateway,
  tvlEvent,
  type Message,
  type TestClient,
  type TestGateway,
} from './helpers';

// Which published events reach which subscriber, and in what form.

const ARB = 'arbitrum:0x912ce59144191c1204e64559fe8253a0e49e6548';
const BNB = 'bsc:0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c';

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  t = await started.add(startGateway(), (g) => g.cleanup());
}, START_TEST_TIMEOUT_MS);
afterEach(() => t.closeClients());

const price = (m: Message) => m.data.price as number;

/** Subscribe a new client with these filters/options and return it. */
async function subscriber(channels: string[], extra: Message = {}): Promise<TestClient> {
  const { client } = await t.client();
  const result = await client.subscribe(channels, extra);
  expect(result.results.every((r: { status: string }) => r.status === 'subscribed')).toBe(true);
  return client;
}

describe('routing', () => {
  it('delivers a price to prices, its token and its chain subscribers, and not to another chain', async () => {
    const [all, token, chain, bsc] = await Promise.all([
      subscriber(['prices']),
      subscriber(['token:coingecko:ethereum']),
      subscriber(['chain:ethereum:prices']),
      subscriber(['chain:bsc:prices']),
    ]);
    const event = priceEvent({ price: 3050, previousPrice: 3000 });
    const positions = await t.publish(event);
    for (const [client, channel] of [
      [all, 'prices'],
      [token, 'token:coingecko:ethereum'],
      [chain, 'chain:ethereum:prices'],
    ] as const) {
      const message = await client.next('price_update');
      expect(message).toEqual({
        type: 'price_update',
        channel,
        position: positions[channel],
        timestamp: event.timestamp,
        data: event.data,
      });
    }
    // Published after the ETH price: when it arrives at the BSC subscriber, the ETH price would have too.
    await t.publish(priceEvent({ tokenId: BNB, symbol: 'BNB', price: 600 }));
    await bsc.next('price_update');
    expect(bsc.data().map((m) => [m.channel, m.data.symbol])).toEqual([['chain:bsc:prices', 'BNB']]);
  });

  it('filters by chains and by value, AND across fields and OR within one', async () => {
    const client = await subscriber(['prices'], { filters: { chains: ['ethereum', 'arbitrum'], minValue: 100 } });
    await t.publish(priceEvent({ price: 3000 })); // ethereum, >= 100: in
    await t.publish(priceEvent({ tokenId: ARB, symbol: 'ARB', price: 1.2 })); // arbitrum but < 100: out
    await t.publish(priceEvent({ tokenId: BNB, symbol: 'BNB', price: 600 })); // bsc: out
    await t.publish(priceEvent({ tokenId: 'coingecko:bitcoin', symbol: 'BTC', price: 90_000 })); // no chain: out
    await t.publish(priceEvent({ tokenId: ARB, symbol: 'ARB', price: 150 })); // arbitrum, >= 100: in
    await client.next((m) => m.type === 'price_update' && m.data.symbol === 'ARB');
    expect(client.data().map((m) => [m.data.symbol, price(m)])).toEqual([
      ['ETH', 3000],
      ['ARB', 150],
    ]);
  });

  it('filters by tokenIds and by a value range', async () => {
    const btc = await subscriber(['prices'], { filters: { tokenIds: ['coingecko:bitcoin'] } });
    const range = await subscriber(['prices'], { filters: { minValue: 1000, maxValue: 5000 } });
    for (const [tokenId, value] of [
      ['coingecko:ethereum', 500],
      ['coingecko:bitcoin', 90_000],
      ['coingecko:ethereum', 3000],
      ['coingecko:ethereum', 6000],
      ['coingecko:bitcoin', 4000],
    ] as const) {
      await t.publish(priceEvent({ tokenId, symbol: tokenId.slice(10, 13).toUpperCase(), price: value }));
    }
    await btc.next((m) => m.type === 'price_update' && price(m) === 4000);
    await range.next((m) => m.type === 'price_update' && price(m) === 4000);
    expect(btc.data().map(price)).toEqual([90_000, 4000]);
    expect(range.data().map(price)).toEqual([3000, 4000]);
  });

  it('delivers only price moves at least thresholds.priceChange percent, up or down', async () => {
    const client = await subscriber(['token:coingecko:ethereum'], { filters: { thresholds: { priceChange: 1 } } });
    for (const change of [0.5, 2, -3, 0.2, -0.99, 1])
      await t.publish(priceEvent({ price: 3000, changePercent: change }));
    await client.next((m) => m.type === 'price_update' && m.data.changePercent === 1);
    expect(client.data().map((m) => m.data.changePercent)).toEqual([2, -3, 1]);
  });

  it('filters by eventTypes on a channel that carries several', async () => {
    const client = await subscriber(['protocols'], { filters: { eventTypes: ['protocol_update'] } });
    await t.publish(tvlEvent({ protocolId: 'aave-v3', tvl: 1e9 }));
    await t.publish(protocolEvent('aave-v3'));
    await t.publish(tvlEvent({ protocolId: 'uniswap-v3', chain: 'ethereum', tvl: 2e9 }));
    await t.publish(protocolEvent('uniswap-v3'));
    await client.next((m) => m.type === 'protocol_update' && m.data.protocolId === 'uniswap-v3');
    expect(client.data().map((m) => [m.type, m.data.protocolId])).toEqual([
      ['protocol_update', 'aave-v3'],
      ['protocol_update', 'uniswap-v3'],
    ]);
  });

  it('conflates with throttleMs: the first update at once, then at most one per period, ending on the latest', async () => {
    const throttleMs = 300;
    const client = await subscriber(['token:coingecko:ethereum'], { options: { throttleMs } });
    const started = Date.now();
    for (let i = 0; i < 10; i++) await t.publish(priceEvent({ price: 3000 + i }));
    const publishMs = Date.now() - started;
    await client.next((m) => m.type === 'price_update' && price(m) === 3009, 3_000);
    await sleep(throttleMs + 100); // nothing more may trail in
    const received = client.messages
      .map((m, i) => ({ m, at: client.receivedAt[i]! }))
      .filter(({ m }) => m.type === 'price_update');
    expect(received[0]!.m.data.price).toBe(3000);
    expect(received[0]!.at - started).toBeLessThan(throttleMs);
    expect(received.at(-1)!.m.data.price).toBe(3009);
    // ...and the latest comes about one period after the first, not at some later update.
    expect(received.at(-1)!.at - received[0]!.at).toBeLessThan(publishMs + throttleMs + 500);
    // At most one per period (a slow publisher may span more than one period).
    expect(received.length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeLessThanOrEqual(2 + Math.floor(publishMs / throttleMs));
    for (let i = 1; i < received.length; i++)
      expect(received[i]!.at - received[i - 1]!.at).toBeGreaterThanOrEqual(throttleMs * 0.8);
  });

  it('with minChangePct delivers only values that moved that much since the last one delivered', async () => {
    const client = await subscriber(['token:coingecko:bitcoin'], { options: { minChangePct: 1 } });
    for (const value of [100, 100.5, 100.9, 101.5, 101.6, 103.1])
      await t.publish(priceEvent({ tokenId: 'coingecko:bitcoin', symbol: 'BTC', price: value }));
    await client.next((m) => m.type === 'price_update' && price(m) === 103.1);
    expect(client.data().map(price)).toEqual([100, 101.5, 103.1]);
  });

  it('with snapshot: true sends the current value before live updates', async () => {
    await t.publish(priceEvent({ tokenId: 'coingecko:solana', symbol: 'SOL', price: 150 }));
    await t.publish(priceEvent({ tokenId: 'coingecko:solana', symbol: 'SOL', price: 151 }));
    const { client } = await t.client();
    client.send({
      type: 'subscribe',
      id: 'snap',
      channels: ['token:coingecko:solana', 'prices'],
      options: { snapshot: true },
    });
    const result = await client.next('subscription_result');
    const one = await client.next((m) => m.type === 'snapshot' && m.channel === 'token:coingecko:solana');
    expect(one).toEqual({
      type: 'snapshot',
      id: 'snap',
      channel: 'token:coingecko:solana',
      position: result.results[0].position,
      data: [{ type: 'price_update', timestamp: expect.any(Number), data: expect.objectContaining({ price: 151 }) }],
    });
    // An aggregate channel's snapshot has the latest value per token.
    const all = await client.next((m) => m.type === 'snapshot' && m.channel === 'prices');
    const sol = all.data.filter((e: Message) => e.data.tokenId === 'coingecko:solana');
    expect(sol.map((e: Message) => e.data.price)).toEqual([151]);

    await t.publish(priceEvent({ tokenId: 'coingecko:solana', symbol: 'SOL', price: 152 }));
    const live = await client.next((m) => m.type === 'price_update' && m.channel === 'token:coingecko:solana');
    expect(live.data.price).toBe(152);
    expect(client.messages.indexOf(live)).toBeGreaterThan(client.messages.indexOf(one));
  });

  it("delivers an owner's alerts on `alerts` to that owner only", async () => {
    const { client: a } = await t.client(t.keys.free);
    const { client: b } = await t.client(t.keys.other);
    await Promise.all([a.subscribe(['alerts']), b.subscribe(['alerts'])]);
    const ownerA = seededOwner(t.keys.free);
    const ownerB = seededOwner(t.keys.other);
    // Interleaved, so that each client's last alert arrives after the other's would have.
    for (const [owner, text] of [
      [ownerA, 'A1'],
      [ownerB, 'B1'],
      [ownerA, 'A2'],
      [ownerB, 'B2'],
    ] as const)
      await t.publish(alertEvent(owner, text));
    await a.next((m) => m.type === 'alert' && m.data.message === 'A2');
    await b.next((m) => m.type === 'alert' && m.data.message === 'B2');
    expect(a.data().map((m) => [m.channel, m.data.message, m.data.ownerId])).toEqual([
      ['alerts', 'A1', ownerA],
      ['alerts', 'A2', ownerA],
    ]);
    expect(b.data().map((m) => [m.channel, m.data.message, m.data.ownerId])).toEqual([
      ['alerts', 'B1', ownerB],
      ['alerts', 'B2', ownerB],
    ]);
  });
});
