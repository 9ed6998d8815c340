import { PositionSchema, type Position } from '@defi-realtime/protocol';
import type { HarnessFactory } from '../harness';
import { collect, range } from '../util';
import { useHarness } from './setup';

export function streamsContract(factory: HarnessFactory): void {
  describe('streams and live delivery', () => {
    const h = useHarness(factory);

    it('gives positions that increase by one per channel, channels independent', async () => {
      const node = await h().node();
      const p1 = await node.publish('prices', '{"n":1}');
      const p2 = await node.publish('prices', '{"n":2}');
      const t1 = await node.publish('tvl', '{"n":1}');
      const p3 = await node.publish('prices', '{"n":3}');
      expect([p1.offset, p2.offset, p3.offset]).toEqual([1, 2, 3]);
      expect(t1.offset).toBe(1);
      expect(new Set([p1.epoch, p2.epoch, p3.epoch]).size).toBe(1);
      for (const p of [p1, t1]) expect(PositionSchema.parse(p)).toEqual(p);
    });

    it('delivers live events in publish order (200 publishes issued at once)', async () => {
      const node = await h().node();
      const live = await collect(node, 'prices');
      const payloads = range(200).map((i) => JSON.stringify({ i }));
      const positions = await Promise.all(payloads.map((p) => node.publish('prices', p)));
      const received = await live.waitFor(200);
      expect(received.map((e) => e.position.offset)).toEqual(range(200).map((i) => i + 1));
      const byOffset = new Map(positions.map((pos, i) => [pos.offset, payloads[i]]));
      for (const event of received) expect(event.payload).toBe(byOffset.get(event.position.offset));
    });

    it('lets two nodes exchange events (A subscribes, B publishes)', async () => {
      const a = await h().node();
      const b = await h().node();
      const live = await collect(a, 'token:coingecko:ethereum');
      const position = await b.publish('token:coingecko:ethereum', '{"price":3000}');
      const [event] = await live.waitFor(1);
      expect(event).toEqual({ channel: 'token:coingecko:ethereum', position, payload: '{"price":3000}' });
      expect(await h().subscriberCount('token:coingecko:ethereum')).toBe(1);
    });

    it('never lets live and history disagree (same events, identical payloads)', async () => {
      const a = await h().node();
      const b = await h().node();
      const live = await collect(a, 'prices');
      const big = JSON.stringify({ blob: 'x'.repeat(64 * 1024) });
      const payloads = [...range(48).map((i) => JSON.stringify({ i, s: 'é"\\\n✓' })), big, '{"last":true}'];
      const positions: Position[] = await Promise.all(payloads.map((p) => b.publish('prices', p)));
      const received = await live.waitFor(payloads.length);
      const since = { offset: 0, epoch: positions[0]!.epoch };
      const history = await a.history('prices', { since, limit: 100 });
      expect(history.recovered).toBe(true);
      expect(history.events).toEqual(received);
      expect(received.map((e) => e.payload).sort()).toEqual([...payloads].sort());
    });

    it('stops delivering after unsubscribe, and the node leaves the channel', async () => {
      const node = await h().node();
      const one = await collect(node, 'tvl');
      const two = await collect(node, 'tvl');
      expect(await h().subscriberCount('tvl')).toBe(1);
      await node.publish('tvl', '"a"');
      await one.waitFor(1);
      await two.waitFor(1);
      await node.unsubscribe('tvl', one.handler);
      expect(await h().subscriberCount('tvl')).toBe(1);
      await node.publish('tvl', '"b"');
      await two.waitFor(2);
      await node.unsubscribe('tvl', two.handler);
      expect(await h().subscriberCount('tvl')).toBe(0);
      // A new handler gets "c": the removed ones would have got it in the same dispatch.
      const three = await collect(node, 'tvl');
      await node.publish('tvl', '"c"');
      await three.waitFor(1);
      expect(one.events.map((e) => e.payload)).toEqual(['"a"']);
      expect(two.events.map((e) => e.payload)).toEqual(['"a"', '"b"']);
    });

    it('subscribes again after unsubscribing everything', async () => {
      const node = await h().node();
      const first = await collect(node, 'prices');
      await node.unsubscribe('prices', first.handler);
      const second = await collect(node, 'prices');
      await node.publish('prices', '"again"');
      await second.waitFor(1);
      expect(await h().subscriberCount('prices')).toBe(1);
    });

    it('keeps delivering to other handlers when one throws', async () => {
      const node = await h().node();
      await node.subscribe('prices', () => {
        throw new Error('handler bug');
      });
      const good = await collect(node, 'prices');
      await node.publish('prices', '1');
      await node.publish('prices', '2');
      await good.waitFor(2);
      expect(h().logs.some((l) => l.level === 'error' && l.msg === 'event handler threw')).toBe(true);
    });

    it('returns the latest event, and null for a channel never published to', async () => {
      const node = await h().node();
      expect(await node.latest('prices')).toBeNull();
      await node.publish('prices', '"first"');
      const position = await node.publish('prices', '"second"');
      expect(await node.latest('prices')).toEqual({ channel: 'prices', position, payload: '"second"' });
    });
  });
}
