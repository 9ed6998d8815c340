import type { Position } from '@defi-realtime/protocol';
import type { Engine } from '../../src/engine';
import type { HarnessFactory } from '../harness';
import { range, sleep } from '../util';
import { useHarness } from './setup';

async function publishMany(engine: Engine, channel: string, n: number): Promise<Position[]> {
  const positions: Position[] = [];
  for (const i of range(n)) positions.push(await engine.publish(channel, JSON.stringify({ i })));
  return positions;
}

export function recoveryContract(factory: HarnessFactory): void {
  describe('history and recovery', () => {
    const h = useHarness(factory);

    it('returns exactly the events missed since a position', async () => {
      const node = await h().node();
      const positions = await publishMany(node, 'prices', 10);
      const result = await node.history('prices', { since: positions[3] });
      expect(result.recovered).toBe(true);
      expect(result.position).toEqual(positions[9]);
      expect(result.events.map((e) => e.position)).toEqual(positions.slice(4));
      expect(result.events.map((e) => e.payload)).toEqual(range(6).map((i) => JSON.stringify({ i: i + 4 })));
    });

    it('recovers nothing, successfully, at the top', async () => {
      const node = await h().node();
      const positions = await publishMany(node, 'prices', 3);
      expect(await node.history('prices', { since: positions[2] })).toEqual({
        events: [],
        recovered: true,
        position: positions[2],
      });
    });

    it('returns the latest events oldest first without since', async () => {
      const node = await h().node();
      const positions = await publishMany(node, 'prices', 5);
      const result = await node.history('prices', { limit: 3 });
      expect(result.recovered).toBe(true);
      expect(result.events.map((e) => e.position)).toEqual(positions.slice(2));
    });

    it('reports recovered:false when history was trimmed past since (historySize)', async () => {
      const node = await h().node({ historySize: 5 });
      const positions = await publishMany(node, 'prices', 20);
      const trimmed = await node.history('prices', { since: positions[1], limit: 100 });
      expect(trimmed).toEqual({ events: [], recovered: false, position: positions[19] });
      const kept = await node.history('prices', { since: positions[14], limit: 100 });
      expect(kept.recovered).toBe(true);
      expect(kept.events.map((e) => e.position)).toEqual(positions.slice(15));
    });

    it('reports recovered:false when the epoch differs', async () => {
      const node = await h().node();
      const positions = await publishMany(node, 'prices', 3);
      const result = await node.history('prices', { since: { offset: 1, epoch: 'another-epoch' } });
      expect(result).toEqual({ events: [], recovered: false, position: positions[2] });
    });

    it('reports recovered:false when more than limit events were missed', async () => {
      const node = await h().node();
      const positions = await publishMany(node, 'prices', 10);
      expect((await node.history('prices', { since: positions[1], limit: 7 })).recovered).toBe(false);
      const within = await node.history('prices', { since: positions[1], limit: 8 });
      expect(within.recovered).toBe(true);
      expect(within.events).toHaveLength(8);
    });

    it('reports recovered:false for a position ahead of the channel', async () => {
      const node = await h().node();
      const [p] = await publishMany(node, 'prices', 1);
      expect((await node.history('prices', { since: { offset: 99, epoch: p!.epoch } })).recovered).toBe(false);
    });

    it('pins an epoch on an empty channel, so a reader at offset 0 recovers from the first event', async () => {
      const node = await h().node();
      const empty = await node.history('fresh');
      expect(empty.events).toEqual([]);
      expect(empty.position.offset).toBe(0);
      const positions = await publishMany(node, 'fresh', 2);
      expect(positions.map((p) => p.epoch)).toEqual([empty.position.epoch, empty.position.epoch]);
      const result = await node.history('fresh', { since: empty.position });
      expect(result.recovered).toBe(true);
      expect(result.events.map((e) => e.position)).toEqual(positions);
    });

    it('starts a new epoch once an idle channel fully expired (old positions unrecoverable)', async () => {
      const node = await h().node({ historyTtlMs: 150 });
      const [old] = await publishMany(node, 'prices', 2).then((p) => p.slice(1));
      // Events expire after historyTtlMs, the offset/epoch after twice that; wait well past both.
      await sleep(900);
      expect(await node.latest('prices')).toBeNull();
      expect((await node.history('prices', { since: old })).recovered).toBe(false);
      const next = await node.publish('prices', '"new"');
      expect(next.offset).toBe(1);
      expect(next.epoch).not.toBe(old!.epoch);
    });

    it('rejects a malformed query with a TypeError', async () => {
      const node = await h().node();
      await expect(node.history('prices', { limit: -1 })).rejects.toThrow(TypeError);
      await expect(node.history('prices', { since: { offset: -1, epoch: 'e' } })).rejects.toThrow(TypeError);
    });
  });
}
