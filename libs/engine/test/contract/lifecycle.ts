import { EngineNotRunningError } from '../../src/lifecycle';
import type { HarnessFactory } from '../harness';
import { useHarness } from './setup';

export function lifecycleContract(factory: HarnessFactory): void {
  describe('lifecycle', () => {
    const h = useHarness(factory);

    it('rejects use before start() and after close()', async () => {
      const node = h().create();
      await expect(node.publish('prices', '1')).rejects.toThrow(EngineNotRunningError);
      await expect(node.subscribe('prices', () => undefined)).rejects.toThrow(/before start/);
      await node.start();
      await node.publish('prices', '1');
      await node.close();
      await expect(node.publish('prices', '2')).rejects.toThrow(/after the engine was closed/);
      await node.close();
    });

    it('starts once however often start() is called', async () => {
      const node = h().create({ nodeId: 'only-once' });
      await Promise.all([node.start(), node.start()]);
      await node.start();
      expect(await node.nodes()).toEqual(['only-once']);
    });

    it('validates its options with a TypeError naming the option', () => {
      expect(() => h().create({ heartbeatMs: 1000, nodeTimeoutMs: 500 })).toThrow(/nodeTimeoutMs/);
      expect(() => h().create({ historySize: 0 })).toThrow(/historySize/);
      expect(() => h().create({ nodeId: 'bad id' })).toThrow(/nodeId/);
    });
  });
}
