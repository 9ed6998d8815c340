import type { Socket } from 'node:net';
import {
  closeAfterAll,
  metric,
  open,
  protocolEvent,
  sessionSaved,
  START_TEST_TIMEOUT_MS,
  startGateway,
  withTimeout,
  type TestGateway,
} from './helpers';

// One client that stops reading must not hold up the others or grow the server's memory.

const SLOW_CONSUMER_BYTES = 64 * 1024;
const EVENT_BYTES = 1_000;
const BATCH = 200;
// Enough to fill the kernel's socket buffers on loopback (a few MiB) and then the gateway's budget.
const MAX_EVENTS = 30_000;

let t: TestGateway;
const started = closeAfterAll();
beforeAll(async () => {
  t = await started.add(
    startGateway({
      SLOW_CONSUMER_BYTES: String(SLOW_CONSUMER_BYTES),
      // Keep every event of this test replayable, so resume can be checked for gaps.
      HISTORY_SIZE: String(MAX_EVENTS * 2),
      RECOVERY_MAX_EVENTS: String(MAX_EVENTS * 2),
    }),
    (g) => g.cleanup(),
  );
}, START_TEST_TIMEOUT_MS);
afterEach(() => t.closeClients());

/** A client that only counts data messages and checks they come without a gap. */
function countingClient(url: string): Promise<{ count: () => number; gaps: () => number; close: () => void }> {
  const ws = open(url, { apiKey: t.keys.pro });
  let count = 0;
  let gaps = 0;
  let last: number | undefined;
  ws.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { type: string; position?: { offset: number } };
    if (message.type === 'welcome') ws.send(JSON.stringify({ type: 'subscribe', channels: ['protocols'] }));
    if (message.type !== 'protocol_update' || !message.position) return;
    if (last !== undefined && message.position.offset !== last + 1) gaps += 1;
    last = message.position.offset;
    count += 1;
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', function ready(data) {
      if (!data.toString().includes('"subscription_result"')) return;
      ws.off('message', ready);
      resolve({ count: () => count, gaps: () => gaps, close: () => ws.close() });
    });
  });
}

describe('backpressure', () => {
  it('closes a client that stops reading with 4008 while another client gets every event, without growing memory', async () => {
    const normal = await withTimeout(countingClient(t.url), 5_000, 'the counting client to subscribe');
    const { client: slow, welcome } = await t.client();
    await slow.subscribe(['protocols']);
    // From here on the slow client reads nothing: what the server sends piles up in buffers.
    const socket = (slow.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    const closesBefore = await metric(t.httpUrl, 'gateway_slow_consumer_closes_total');
    const rssBefore = process.memoryUsage().rss;
    let published = 0;
    let closed = false;
    while (!closed && published < MAX_EVENTS) {
      await Promise.all(
        Array.from({ length: BATCH }, (_, i) => t.publish(protocolEvent(`p-${(published + i) % 50}`, EVENT_BYTES))),
      );
      published += BATCH;
      closed = (await metric(t.httpUrl, 'gateway_slow_consumer_closes_total')) > closesBefore;
    }
    expect(closed).toBe(true);

    // The reader that keeps up got everything, in order, while the other one was stuck.
    await withTimeout(
      (async () => {
        while (normal.count() < published) await new Promise((r) => setTimeout(r, 50));
      })(),
      20_000,
      `the normal client to receive ${published} events`,
    );
    expect(normal.count()).toBe(published);
    expect(normal.gaps()).toBe(0);
    // Several MiB went out; the gateway kept none of it for the stuck client beyond its budget.
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    expect(grownMiB).toBeLessThan(150);

    // Once it reads again it finds what was buffered, the reason, then the close.
    socket.resume();
    expect(await slow.closedWithin(10_000)).toEqual({ code: 4008, reason: 'SLOW_CONSUMER' });
    expect(slow.messages.at(-1)).toMatchObject({ type: 'error', code: 'SLOW_CONSUMER' });
    normal.close();

    // And `resume` picks up right after the last event it actually received: no gap.
    const lastSeen = slow.data('protocols').at(-1)!.position.offset as number;
    await sessionSaved(t, welcome.resumeToken);
    const { client: again } = await t.client();
    await again.request({ type: 'resume', id: 'after-slow', resumeToken: welcome.resumeToken });
    const first = await again.next('protocol_update', 10_000);
    expect(first.position.offset).toBe(lastSeen + 1);
  }, 90_000);
});
