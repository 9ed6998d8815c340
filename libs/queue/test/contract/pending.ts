import { sleep } from '@defi-realtime/runtime/testing';
import type { Queue } from '../../src/queue';
import { payloads, type HarnessFactory, type QueueHarness } from '../harness';

/** The pending list: acknowledging, and claiming what a consumer left behind. */
export function pendingContract(harness: HarnessFactory): void {
  let h: QueueHarness;
  let queue: Queue;
  beforeEach(async () => {
    h = await harness();
    queue = await h.queue();
    await queue.ensureGroup('s', 'g');
  });
  afterEach(() => h.cleanup());

  it('keeps read entries pending until acknowledged', async () => {
    await queue.add('s', payloads(3));
    const entries = await queue.read('s', 'g', 'c');
    expect(await queue.pendingCount('s', 'g')).toBe(3);
    expect(
      await queue.ack(
        's',
        'g',
        entries.slice(0, 2).map((e) => e.id),
      ),
    ).toBe(2);
    expect(await queue.pendingCount('s', 'g')).toBe(1);
    expect(
      await queue.ack(
        's',
        'g',
        entries.map((e) => e.id),
      ),
    ).toBe(1); // the two are no longer pending
    expect(await queue.pendingCount('s', 'g')).toBe(0);
    expect(await queue.ack('s', 'g', [])).toBe(0);
  });

  it('lets another consumer claim unacknowledged entries after minIdleMs, not before, counting deliveries', async () => {
    await queue.add('s', payloads(4));
    const taken = await queue.read('s', 'g', 'crashed');
    await queue.ack('s', 'g', [taken[3]!.id]); // handled before the crash
    const survivor = await h.queue();
    expect(await survivor.claimStale('s', 'g', 'survivor', { minIdleMs: 400 })).toEqual([]);
    await sleep(450);
    const claimed = await survivor.claimStale('s', 'g', 'survivor', { minIdleMs: 400 });
    expect(claimed).toEqual(taken.slice(0, 3).map((e) => ({ ...e, deliveries: 2 })));
    // The claim reset their idle time: nobody takes them straight back.
    expect(await queue.claimStale('s', 'g', 'other', { minIdleMs: 400 })).toEqual([]);
    await sleep(450);
    const again = await queue.claimStale('s', 'g', 'other', { minIdleMs: 400, count: 2 });
    expect(again.map((e) => [e.payload, e.deliveries])).toEqual([
      ['0', 3],
      ['1', 3],
    ]);
    expect(await queue.pendingCount('s', 'g')).toBe(3);
    expect(
      await queue.ack(
        's',
        'g',
        claimed.map((e) => e.id),
      ),
    ).toBe(3);
    expect(await queue.pendingCount('s', 'g')).toBe(0);
  });

  it('never returns new entries from a claim, only delivered ones', async () => {
    await queue.add('s', payloads(2));
    expect(await queue.claimStale('s', 'g', 'c', { minIdleMs: 0 })).toEqual([]);
    expect(await queue.read('s', 'g', 'c')).toHaveLength(2);
  });

  it('drops pending entries trimmed from the stream instead of claiming them', async () => {
    await queue.add('s', payloads(5));
    await queue.read('s', 'g', 'crashed');
    for (let i = 0; i < 4; i++) await queue.add('s', payloads(100, 5 + i * 100), { maxLen: 5 });
    await sleep(50);
    const claimed = await queue.claimStale('s', 'g', 'survivor', { minIdleMs: 10 });
    expect(claimed).toEqual([]);
    expect(await queue.pendingCount('s', 'g')).toBe(0);
  });
}
