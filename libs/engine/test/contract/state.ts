import type { HarnessFactory } from '../harness';
import { sleep } from '../util';
import { useHarness } from './setup';

export function stateContract(factory: HarnessFactory): void {
  describe('state, counters and members', () => {
    const h = useHarness(factory);

    it('shares state between nodes until its TTL expires', async () => {
      const a = await h().node();
      const b = await h().node();
      await a.setState('conn:1', '{"node":"a"}', 300);
      expect(await b.getState('conn:1')).toBe('{"node":"a"}');
      await sleep(800);
      expect(await b.getState('conn:1')).toBeNull();
    });

    it('overwrites and deletes state', async () => {
      const node = await h().node();
      await node.setState('k', 'v1', 60_000);
      await node.setState('k', 'v2', 60_000);
      expect(await node.getState('k')).toBe('v2');
      await node.deleteState('k');
      expect(await node.getState('k')).toBeNull();
      expect(await node.getState('never-set')).toBeNull();
    });

    it('counts in a fixed window that starts at the first increment', async () => {
      const a = await h().node();
      const b = await h().node();
      expect(await a.incr('ip:1.2.3.4', 1_000)).toBe(1);
      expect(await b.incr('ip:1.2.3.4', 1_000, 2)).toBe(3);
      await sleep(500);
      // A later increment does not extend the window...
      expect(await a.incr('ip:1.2.3.4', 1_000)).toBe(4);
      await sleep(800);
      // ...so 1.3 s after the first one a new window has started.
      expect(await a.incr('ip:1.2.3.4', 1_000)).toBe(1);
      expect(await a.incr('other', 1_000)).toBe(1);
    });

    it('adds, removes and counts members across nodes', async () => {
      const a = await h().node();
      const b = await h().node();
      expect(await a.addMember('key:k1', 'conn-1')).toBe(1);
      expect(await b.addMember('key:k1', 'conn-2')).toBe(2);
      expect(await a.addMember('key:k1', 'conn-1')).toBe(2);
      expect(await b.countMembers('key:k1')).toBe(2);
      expect(await b.removeMember('key:k1', 'conn-1')).toBe(1);
      expect(await b.removeMember('key:k1', 'absent')).toBe(1);
      expect(await a.countMembers('key:k1')).toBe(1);
      expect(await a.countMembers('key:other')).toBe(0);
    });

    it('rejects invalid TTLs and windows with a TypeError', async () => {
      const node = await h().node();
      await expect(node.setState('k', 'v', 0)).rejects.toThrow(TypeError);
      await expect(node.incr('k', -5)).rejects.toThrow(TypeError);
      await expect(node.incr('k', 1000, 1.5)).rejects.toThrow(TypeError);
    });
  });
}
