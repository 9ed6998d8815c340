import {
  closeAfterAll,
  priceEvent,
  sessionSaved,
  START_TEST_TIMEOUT_MS,
  startGateway,
  type Message,
  type TestClient,
  type TestGateway,
} from './helpers';

// Catching up after a disconnect: `since` positions and `resume` tokens.

const BNB = 'bsc:0xbb4cdb9cbd36b01bd1cbaebf2de08d9173bc095c';

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  t = await started.add(startGateway(), (g) => g.cleanup());
}, START_TEST_TIMEOUT_MS);
afterEach(() => t.closeClients());

/** Close a client and wait until the gateway has saved its session for `resume`. */
async function disconnect(client: TestClient, resumeToken: string): Promise<void> {
  await client.close();
  await sessionSaved(t, resumeToken);
}

const offsets = (messages: Message[]) => messages.map((m) => m.position.offset as number);
const consecutive = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe('recovery', () => {
  it('replays exactly the missed events in order after subscribe with `since`, then continues live', async () => {
    const first = await t.client();
    const position = (await first.client.subscribe(['prices'])).results[0].position;
    await first.client.close();
    for (let i = 1; i <= 100; i++) await t.publish(priceEvent({ price: i }));

    const { client } = await t.client();
    const result = await client.subscribe(['prices'], { since: { prices: position } });
    expect(result.results).toEqual([{ channel: 'prices', status: 'subscribed', position, recovered: true }]);
    await client.next((m) => m.type === 'price_update' && m.data.price === 100);
    expect(client.data().map((m) => m.data.price)).toEqual(consecutive(1, 100));
    expect(offsets(client.data())).toEqual(consecutive(position.offset + 1, 100));
    expect(client.data().every((m) => m.position.epoch === position.epoch)).toBe(true);

    await t.publish(priceEvent({ price: 101 }));
    const live = await client.next((m) => m.type === 'price_update' && m.data.price === 101);
    expect(live.position.offset).toBe(position.offset + 101);
    expect(client.data()).toHaveLength(101); // no duplicates between replay and live
  });

  it('replays once when the same channel is named twice in one subscribe (an alias and its canonical name)', async () => {
    const first = await t.client();
    const position = (await first.client.subscribe(['prices'])).results[0].position;
    await first.client.close();
    for (let i = 1; i <= 3; i++) await t.publish(priceEvent({ price: i }));

    const { client } = await t.client();
    const result = await client.subscribe(['prices', 'events:prices'], { since: { prices: position } });
    expect(result.results).toEqual([
      { channel: 'prices', status: 'subscribed', position, recovered: true },
      { channel: 'prices', status: 'subscribed', position, recovered: true },
    ]);
    await t.publish(priceEvent({ price: 4 }));
    await client.next((m) => m.type === 'price_update' && m.data.price === 4);
    expect(client.data().map((m) => m.data.price)).toEqual([1, 2, 3, 4]);
    expect((await client.request({ type: 'list_subscriptions', id: 'l' })).results).toHaveLength(1);
  });

  it('answers `since` from another epoch with recovered: false and no replay', async () => {
    await t.publish(priceEvent({ price: 1 }));
    const { client } = await t.client();
    const result = await client.subscribe(['events:prices'], {
      since: { 'events:prices': { offset: 1, epoch: 'not-this-epoch' } },
    });
    expect(result.results).toEqual([
      { channel: 'prices', status: 'subscribed', position: expect.any(Object), recovered: false },
    ]);
    // The position is where the live stream continues: reload state, then follow from there.
    const top = result.results[0].position;
    await t.publish(priceEvent({ price: 2 }));
    const live = await client.next('price_update');
    expect(live).toMatchObject({ data: { price: 2 }, position: { offset: top.offset + 1, epoch: top.epoch } });
    expect(client.data()).toHaveLength(1);
  });

  it('restores subscriptions with their filters on resume and replays exactly the missed events, then live', async () => {
    const { client: before, welcome } = await t.client();
    await before.subscribe(['prices'], { filters: { chains: ['ethereum'] } });
    await before.subscribe(['token:coingecko:bitcoin']);
    await disconnect(before, welcome.resumeToken);
    for (let i = 1; i <= 100; i++) {
      await t.publish(priceEvent({ price: i }));
      // Filtered out by the restored `chains` filter; and a second channel to restore.
      if (i % 25 === 0) await t.publish(priceEvent({ tokenId: BNB, symbol: 'BNB', price: 600 + i }));
      if (i % 25 === 0) await t.publish(priceEvent({ tokenId: 'coingecko:bitcoin', symbol: 'BTC', price: 90_000 + i }));
    }

    const { client } = await t.client();
    const result = await client.request({ type: 'resume', id: 'r-1', resumeToken: welcome.resumeToken });
    expect(result.type).toBe('subscription_result');
    expect(result.results).toEqual(
      expect.arrayContaining([
        { channel: 'prices', status: 'subscribed', position: expect.any(Object), recovered: true },
        { channel: 'token:coingecko:bitcoin', status: 'subscribed', position: expect.any(Object), recovered: true },
      ]),
    );
    await client.next((m) => m.type === 'price_update' && m.channel === 'prices' && m.data.price === 100);
    await client.next(
      (m) => m.type === 'price_update' && m.channel === 'token:coingecko:bitcoin' && m.data.price === 90_100,
    );
    expect(client.data('prices').map((m) => m.data.price)).toEqual(consecutive(1, 100));
    const replayed = offsets(client.data('prices'));
    expect(replayed).toEqual([...replayed].sort((a, b) => a - b));
    expect(client.data('token:coingecko:bitcoin').map((m) => m.data.price)).toEqual([90_025, 90_050, 90_075, 90_100]);

    // Live, with the filter still applied: the BNB price is published first and never arrives.
    await t.publish(priceEvent({ tokenId: BNB, symbol: 'BNB', price: 700 }));
    await t.publish(priceEvent({ price: 101 }));
    await client.next((m) => m.type === 'price_update' && m.channel === 'prices' && m.data.price === 101);
    expect(client.data('prices').map((m) => m.data.symbol)).not.toContain('BNB');
    expect(client.data('prices')).toHaveLength(101);
    // The restored subscriptions are the connection's own now.
    const list = await client.request({ type: 'list_subscriptions', id: 'l' });
    expect(list.results.map((r: Message) => r.channel).sort()).toEqual(['prices', 'token:coingecko:bitcoin']);
  });

  it('delivers after resume an update that throttling still held when the client left', async () => {
    const { client: before, welcome } = await t.client();
    await before.subscribe(['token:coingecko:ethereum'], { options: { throttleMs: 10_000 } });
    await t.publish(priceEvent({ price: 1 }));
    await before.next('price_update');
    await t.publish(priceEvent({ price: 2 })); // held back by the throttle, then the client leaves
    await disconnect(before, welcome.resumeToken);

    const { client } = await t.client();
    await client.request({ type: 'resume', id: 'r-2', resumeToken: welcome.resumeToken });
    // The latest value is what a throttled subscriber is promised; it must not be lost to the disconnect.
    expect(await client.next('price_update')).toMatchObject({ data: { price: 2 } });
  });

  it("refuses another key's resume token with RESUME_FAILED, keeps the connection, and leaves the token to its owner", async () => {
    const { client: owner, welcome } = await t.client(t.keys.free);
    await owner.subscribe(['tvl']);
    await disconnect(owner, welcome.resumeToken);

    const { client: stranger } = await t.client(t.keys.other);
    const refused = await stranger.request({ type: 'resume', id: 'steal', resumeToken: welcome.resumeToken });
    expect(refused).toMatchObject({ type: 'error', id: 'steal', code: 'RESUME_FAILED', field: 'resumeToken' });
    expect(await stranger.request({ type: 'ping', id: 'still-here' })).toMatchObject({ type: 'pong' });
    expect((await stranger.request({ type: 'list_subscriptions', id: 'none' })).results).toEqual([]);

    const { client: back } = await t.client(t.keys.free);
    const restored = await back.request({ type: 'resume', id: 'mine', resumeToken: welcome.resumeToken });
    expect(restored).toMatchObject({
      type: 'subscription_result',
      results: [{ channel: 'tvl', status: 'subscribed', recovered: true }],
    });
  });

  it('answers an unknown or already used resume token with RESUME_FAILED', async () => {
    const { client } = await t.client();
    expect(await client.request({ type: 'resume', id: 1, resumeToken: 'no-such-token' })).toMatchObject({
      type: 'error',
      code: 'RESUME_FAILED',
    });

    const { client: before, welcome } = await t.client();
    await before.subscribe(['prices']);
    await disconnect(before, welcome.resumeToken);
    expect((await client.request({ type: 'resume', id: 2, resumeToken: welcome.resumeToken })).type).toBe(
      'subscription_result',
    );
    // A token works once: a second client cannot take over the same session.
    const { client: late } = await t.client();
    expect(await late.request({ type: 'resume', id: 3, resumeToken: welcome.resumeToken })).toMatchObject({
      type: 'error',
      code: 'RESUME_FAILED',
    });
    expect(client.isOpen && late.isOpen).toBe(true);
  });
});
