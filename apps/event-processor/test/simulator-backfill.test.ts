import { createLogger } from '@defi-realtime/runtime';
import type { ObservationRecord } from '../src/pipeline/records';
import { Simulator } from '../src/sources/simulator';

describe('simulator backfill', () => {
  it('stores hourly history ending now, never publishes it, and the live walk continues from it', async () => {
    const stored: ObservationRecord[][] = [];
    const emitted: ObservationRecord[][] = [];
    const simulator = new Simulator(async (records) => void emitted.push(records), createLogger('test', 'silent'), {
      seed: 3,
      intervalMs: 50,
      backfillHours: 24,
      store: (records) => stored.push(records),
    });
    const before = Date.now();
    simulator.start();
    await simulator.stop();
    expect(stored).toHaveLength(24);
    const times = stored.map((batch) => batch[0]!.timestamp);
    expect(times[0]).toBeGreaterThanOrEqual(before - 24 * 3_600_000 - 1_000);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBe(3_600_000);
    expect(times.at(-1)).toBeLessThan(Date.now());
    expect(emitted).toHaveLength(0);
    // ETH moved over the day, and the next live tick starts where the history ended.
    const eth = (batch: ObservationRecord[]) =>
      batch.find((r) => r.kind === 'price' && r.tokenId === 'coingecko:ethereum') as { price: number };
    const last = eth(stored.at(-1)!).price;
    expect(eth(stored[0]!).price).not.toBe(last);
    expect(Math.abs(eth(simulator.tick()).price / last - 1)).toBeLessThan(0.05);
  });

  it('refuses a backfill without a store', () => {
    expect(() => new Simulator(async () => undefined, createLogger('test', 'silent'), { backfillHours: 1 })).toThrow(
      /store/,
    );
  });
});
