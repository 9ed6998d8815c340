import type { HarnessFactory } from '../harness';
import { eventually, sleep } from '../util';
import { FAST_LIVENESS, useHarness } from './setup';

export function nodesContract(factory: HarnessFactory): void {
  describe('nodes and liveness', () => {
    const h = useHarness(factory);

    it('lists the live nodes', async () => {
      const a = await h().node({ ...FAST_LIVENESS, nodeId: 'node-a' });
      await h().node({ ...FAST_LIVENESS, nodeId: 'node-b' });
      expect((await a.nodes()).sort()).toEqual(['node-a', 'node-b']);
    });

    it('removes the members of a closing node, which leaves without onNodeDown', async () => {
      const a = await h().node({ ...FAST_LIVENESS, nodeId: 'node-a' });
      const b = await h().node({ ...FAST_LIVENESS, nodeId: 'node-b' });
      const down = jest.fn();
      b.onNodeDown(down);
      await a.addMember('key:k1', 'a-1');
      await a.addMember('key:k2', 'a-2');
      await b.addMember('key:k1', 'b-1');
      await a.close();
      expect(await b.countMembers('key:k1')).toBe(1);
      expect(await b.countMembers('key:k2')).toBe(0);
      expect(await b.nodes()).toEqual(['node-b']);
      await sleep(3 * FAST_LIVENESS.nodeTimeoutMs);
      expect(down).not.toHaveBeenCalled();
    });

    it('detects a crashed node: its members removed, onNodeDown once across the survivors', async () => {
      const [a, b, c] = await Promise.all(
        ['node-a', 'node-b', 'node-c'].map((nodeId) => h().node({ ...FAST_LIVENESS, nodeId })),
      );
      const calls: string[] = [];
      for (const survivor of [b!, c!])
        survivor.onNodeDown((id) => void calls.push(`${survivor.nodeId} saw ${id} down`));
      await a!.addMember('key:k1', 'a-1');
      await a!.addMember('key:k2', 'a-2');
      await b!.addMember('key:k1', 'b-1');
      await c!.addMember('key:k2', 'c-1');

      const crashedAt = Date.now();
      await a!.simulateCrash();
      await eventually(() => expect(calls).toHaveLength(1), 10_000);
      const detectedInMs = Date.now() - crashedAt;
      // Liveness key TTL plus one check period, with slack for a busy machine.
      expect(detectedInMs).toBeLessThan(10 * FAST_LIVENESS.nodeTimeoutMs);

      expect(await b!.countMembers('key:k1')).toBe(1);
      expect(await c!.countMembers('key:k2')).toBe(1);
      expect((await b!.nodes()).sort()).toEqual(['node-b', 'node-c']);
      // Several more check periods: still exactly one call in the whole cluster.
      await sleep(4 * (FAST_LIVENESS.heartbeatMs + FAST_LIVENESS.nodeTimeoutMs));
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatch(/saw node-a down$/);
    });

    it('keeps the members of live nodes through many check periods', async () => {
      const a = await h().node(FAST_LIVENESS);
      const b = await h().node(FAST_LIVENESS);
      const down = jest.fn();
      a.onNodeDown(down);
      b.onNodeDown(down);
      await a.addMember('key:k', 'a-1');
      await b.addMember('key:k', 'b-1');
      await sleep(6 * FAST_LIVENESS.nodeTimeoutMs);
      expect(await a.countMembers('key:k')).toBe(2);
      expect(down).not.toHaveBeenCalled();
    });
  });
}
