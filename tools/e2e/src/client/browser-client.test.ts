/*
 * The browser entry's client against a real gateway process, over a WHATWG WebSocket
 * (onopen/onmessage/onclose; `ws` stands in for the browser's).
 */
import { WebSocket } from 'ws';
import { RealtimeClient, SubscriptionState, type Update } from '@defi-realtime/client/browser';
import { createEnvironment, type TestEnvironment } from './support/environment';
import { priceEvent } from './support/events';
import { closeAfterAll, eventually, START_TEST_TIMEOUT_MS } from './support/wait';

describe('the browser client against a gateway', () => {
  let env: TestEnvironment;
  let client: RealtimeClient | undefined;

  const started = closeAfterAll();
  beforeAll(async () => {
    env = await started.add(createEnvironment(), async (e) => {
      await client?.close();
      await e.cleanup();
    });
  }, START_TEST_TIMEOUT_MS);

  it('subscribes and receives over a WHATWG WebSocket (onopen/onmessage/onclose)', async () => {
    client = new RealtimeClient({ url: env.gateway.httpUrl, apiKey: env.key, WebSocket });
    await client.connect();
    const subscription = client.subscribe('token:coingecko:ethereum');
    await subscription.ready();
    expect(subscription.state).toBe(SubscriptionState.Subscribed);
    const got: Update[] = [];
    subscription.on('update', (u) => got.push(u));
    await env.publish(priceEvent(1234.5));
    await eventually(() => got.length === 1, 'one update');
    expect(got[0]).toMatchObject({
      type: 'price_update',
      channel: 'token:coingecko:ethereum',
      data: { price: 1234.5 },
    });
  }, 20_000);
});
