/*
 * The gateway process dies or restarts under a subscribed client: nothing that can be
 * recovered is lost, nothing is delivered twice, and a revoked key stops the client.
 */
import { ConnectionState, RealtimeClient, SubscriptionState } from '@defi-realtime/client';
import { createEnvironment, type TestEnvironment } from './support/environment';
import { priceEvent } from './support/events';
import { range, record } from './support/recorder';
import { closeAfterAll, closeAfterEach, eventually, nextEvent, sleep, START_TEST_TIMEOUT_MS } from './support/wait';

const FAST_RECONNECT = { minReconnectDelayMs: 50, maxReconnectDelayMs: 400 };

describe('RealtimeClient across gateway restarts', () => {
  let env: TestEnvironment;
  const clients: RealtimeClient[] = [];
  let price = 1000;
  /** Publish `n` ETH prices (one event on `prices` and on `token:coingecko:ethereum` each); returns them. */
  const publishPrices = async (n: number) => {
    const published: number[] = [];
    for (let i = 0; i < n; i++) {
      published.push(++price);
      await env.publish(priceEvent(price));
    }
    return published;
  };
  const open = async () => {
    const client = new RealtimeClient({ url: env.gateway.wsUrl, apiKey: env.key, ...FAST_RECONNECT });
    clients.push(client);
    await client.connect();
    const subscription = client.subscribe(['prices', 'token:coingecko:ethereum']);
    await subscription.ready();
    return { client, subscription, recorder: record(client, subscription) };
  };

  const started = closeAfterAll();
  beforeAll(async () => {
    env = await started.add(createEnvironment(), async (e) => {
      await Promise.all(clients.map((c) => c.close()));
      await e.cleanup();
    });
  }, START_TEST_TIMEOUT_MS);

  const pumps = closeAfterEach();

  it(
    'SIGKILL mid-stream: reconnects and gets every event published meanwhile, in order, once (since)',
    async () => {
      const { client, subscription, recorder } = await open();
      // Events keep coming the whole time: before, at the moment of the kill, while the gateway is down, after.
      const published: number[] = [];
      let whileDown = 0;
      let down = false;
      let pumping = true;
      const pump = (async () => {
        while (pumping) {
          published.push(++price);
          await env.publish(priceEvent(price));
          if (down) whileDown++;
          await sleep(5);
        }
      })();
      // Stopped even when the test fails: it must not publish into a closed environment.
      void pumps.add(Promise.resolve(), async () => {
        pumping = false;
        await pump;
      });
      await eventually(() => recorder.prices('prices').length >= 5, 'the first prices');
      const recovering = nextEvent(subscription, 'recovered', undefined, START_TEST_TIMEOUT_MS);
      await env.restartGateway('SIGKILL', async () => {
        down = true;
        await eventually(() => whileDown >= 20, 'twenty prices published while the gateway is down');
        down = false;
      });
      const recovered = await recovering;
      const atRecovery = published.length;
      await eventually(() => published.length >= atRecovery + 20, 'twenty prices published after the recovery');
      pumping = false;
      await pump;
      // Delivery is in order: once the last price is in, a duplicate or a stray one would be too.
      await eventually(
        () => ['prices', 'token:coingecko:ethereum'].every((c) => recorder.prices(c).at(-1) === published.at(-1)),
        'the last price on both channels',
        15_000,
      );

      expect(whileDown).toBeGreaterThanOrEqual(20);
      for (const channel of ['prices', 'token:coingecko:ethereum']) {
        expect(recorder.prices(channel)).toEqual(published);
        const offsets = recorder.offsets(channel);
        expect(offsets).toEqual(range(offsets[0]!, offsets[0]! + published.length - 1));
      }
      // SIGKILL leaves no resume record and no close frame: the client uses its own positions.
      expect(recovered).toEqual({
        recovered: true,
        reason: 'since',
        channels: { prices: true, 'token:coingecko:ethereum': true },
      });
      expect(recorder.disconnects[0]?.error.code).toBe('CONNECTION_LOST');
      expect(recorder.states).toContain(ConnectionState.Reconnecting);
      expect(client.state).toBe(ConnectionState.Connected);
      expect(subscription.state).toBe(SubscriptionState.Subscribed);
    },
    2 * START_TEST_TIMEOUT_MS,
  );

  it(
    'SIGTERM (drain, 1001): comes back through resume and replays what was missed',
    async () => {
      const { subscription, recorder } = await open();
      const before = await publishPrices(3);
      await eventually(() => recorder.prices('prices').length === 3, 'the first three prices');

      let during: number[] = [];
      const recovering = nextEvent(subscription, 'recovered', undefined, START_TEST_TIMEOUT_MS);
      await env.restartGateway('SIGTERM', async () => {
        during = await publishPrices(10);
      });
      const recovered = await recovering;
      const after = await publishPrices(2);
      const all = [...before, ...during, ...after];
      // Delivery is in order: once the last price is in, a duplicate or a stray one would be too.
      await eventually(
        () => ['prices', 'token:coingecko:ethereum'].every((c) => recorder.prices(c).at(-1) === all.at(-1)),
        'the last price on both channels',
        15_000,
      );

      expect(recovered).toEqual({
        recovered: true,
        reason: 'resume',
        channels: { prices: true, 'token:coingecko:ethereum': true },
      });
      expect(recorder.disconnects[0]?.error).toMatchObject({ code: 'GOING_AWAY', closeCode: 1001 });
      for (const channel of ['prices', 'token:coingecko:ethereum']) expect(recorder.prices(channel)).toEqual(all);
    },
    2 * START_TEST_TIMEOUT_MS,
  );

  it(
    'SIGTERM, but the resume record is gone: RESUME_FAILED, then since from its own positions; nothing lost',
    async () => {
      const { client, subscription, recorder } = await open();
      const before = await publishPrices(3);
      await eventually(() => recorder.prices('prices').length === 3, 'the first three prices');

      let during: number[] = [];
      let forgotten = 0;
      const recovering = nextEvent(subscription, 'recovered', undefined, START_TEST_TIMEOUT_MS);
      const refused = nextEvent(client, 'error', (e) => e.code === 'RESUME_FAILED', START_TEST_TIMEOUT_MS);
      await env.restartGateway('SIGTERM', async () => {
        forgotten = await env.forgetResumeRecords();
        during = await publishPrices(10);
      });
      expect(forgotten).toBeGreaterThanOrEqual(1);
      expect(await refused).toMatchObject({ code: 'RESUME_FAILED', temporary: true });
      const recovered = await recovering;
      const after = await publishPrices(2);
      const all = [...before, ...during, ...after];
      // Delivery is in order: once the last price is in, a duplicate or a stray one would be too.
      await eventually(
        () => ['prices', 'token:coingecko:ethereum'].every((c) => recorder.prices(c).at(-1) === all.at(-1)),
        'the last price on both channels',
        15_000,
      );

      expect(recovered).toEqual({
        recovered: true,
        reason: 'since',
        channels: { prices: true, 'token:coingecko:ethereum': true },
      });
      for (const channel of ['prices', 'token:coingecko:ethereum']) expect(recorder.prices(channel)).toEqual(all);
    },
    2 * START_TEST_TIMEOUT_MS,
  );

  it(
    'a revoked key stops reconnecting and fails with UNAUTHORIZED',
    async () => {
      await Promise.all(clients.splice(0).map((c) => c.close())); // one client, so the gateway's log counts its attempts
      const { client, subscription } = await open();
      const failed = nextEvent(client, 'state', (s) => s.new === ConnectionState.Failed, START_TEST_TIMEOUT_MS);
      const loop = (async () => {
        for await (const _ of subscription) {
          // nothing arrives: the loop is here to see it throw
        }
      })();
      await env.revokeKey();
      const gateway = await env.restartGateway('SIGKILL');
      const change = await failed;
      expect(change.error).toMatchObject({ code: 'UNAUTHORIZED', closeCode: 4001, temporary: false });
      expect(client.error?.code).toBe('UNAUTHORIZED');
      expect(subscription.state).toBe(SubscriptionState.Failed);
      await expect(loop).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      // And it stays stopped: one refused authentication, no more attempts over several
      // reconnect delays (time itself is what this waits for).
      await sleep(1_500);
      const failures = gateway.logs.filter((line) => line.event === 'auth_failure');
      expect(failures).toHaveLength(1);
      expect(client.state).toBe(ConnectionState.Failed);
    },
    2 * START_TEST_TIMEOUT_MS,
  );
});
