import { sleep } from '@defi-realtime/runtime/testing';
import { QueueClosedError, type Queue } from '../../src/queue';
import { payloads, type HarnessFactory, type QueueHarness } from '../harness';

/** Appending, groups, reading, blocking, trimming, closing. */
export function streamsContract(harness: HarnessFactory): void {
  let h: QueueHarness;
  let queue: Queue;
  beforeEach(async () => {
    h = await harness();
    queue = await h.queue();
  });
  afterEach(() => h.cleanup());

  const texts = (entries: Array<{ payload: string }>) => entries.map((e) => e.payload);

  it('keeps append order, with increasing <ms>-<seq> ids, first deliveries and the length', async () => {
    const ids = [...(await queue.add('s', ['a', 'b', 'c'])), ...(await queue.add('s', ['d']))];
    expect(ids).toHaveLength(4);
    for (const id of ids) expect(id).toMatch(/^\d+-\d+$/);
    const asPairs = ids.map((id) => id.split('-').map(Number) as [number, number]);
    for (let i = 1; i < asPairs.length; i++) {
      const [[ms0, seq0], [ms1, seq1]] = [asPairs[i - 1]!, asPairs[i]!];
      expect(ms1 > ms0 || (ms1 === ms0 && seq1 > seq0)).toBe(true);
    }
    expect(await queue.length('s')).toBe(4);
    await queue.ensureGroup('s', 'g');
    const entries = await queue.read('s', 'g', 'c1');
    expect(entries).toEqual(ids.map((id, i) => ({ id, payload: 'abcd'[i], deliveries: 1 })));
    expect(await queue.read('s', 'g', 'c1')).toEqual([]);
  });

  it('applies adds in call order even when they are not awaited one by one', async () => {
    await Promise.all([queue.add('s', ['1', '2']), queue.add('s', ['3']), queue.add('s', ['4', '5'])]);
    await queue.ensureGroup('s', 'g');
    expect(texts(await queue.read('s', 'g', 'c'))).toEqual(['1', '2', '3', '4', '5']);
  });

  it('shares one group between consumers with no overlap', async () => {
    await queue.add('s', payloads(10));
    await queue.ensureGroup('s', 'g');
    const other = await h.queue(); // another process
    const first = await queue.read('s', 'g', 'c1', { count: 4 });
    const second = await other.read('s', 'g', 'c2', { count: 100 });
    expect(texts(first)).toEqual(payloads(4));
    expect(texts(second)).toEqual(payloads(6, 4));
    expect(await queue.read('s', 'g', 'c1')).toEqual([]);
  });

  it('gives every group everything', async () => {
    await queue.ensureGroup('s', 'alerts');
    await queue.ensureGroup('s', 'audit');
    await queue.add('s', payloads(5));
    expect(texts(await queue.read('s', 'alerts', 'c'))).toEqual(payloads(5));
    expect(texts(await queue.read('s', 'audit', 'c'))).toEqual(payloads(5));
  });

  it("starts a group at the stream's start or end, and leaves an existing group alone", async () => {
    await queue.add('s', ['old']);
    await queue.ensureGroup('s', 'from-start', 'start');
    await queue.ensureGroup('s', 'from-end', 'end');
    await queue.ensureGroup('s', 'from-start', 'end'); // idempotent: still from the start
    await queue.add('s', ['new']);
    expect(texts(await queue.read('s', 'from-start', 'c'))).toEqual(['old', 'new']);
    expect(texts(await queue.read('s', 'from-end', 'c'))).toEqual(['new']);
  });

  it('creates a missing group from the start on read', async () => {
    await queue.add('s', ['x', 'y']);
    expect(texts(await queue.read('s', 'never-created', 'c'))).toEqual(['x', 'y']);
  });

  it('answers 0 for a missing stream or group', async () => {
    expect(await queue.length('nothing')).toBe(0);
    expect(await queue.pendingCount('nothing', 'g')).toBe(0);
    expect(await queue.ack('nothing', 'g', ['1-0'])).toBe(0);
    await queue.add('s', ['x']);
    expect(await queue.pendingCount('s', 'no-group')).toBe(0);
    expect(await queue.ack('s', 'no-group', ['1-0'])).toBe(0);
    expect(await queue.claimStale('s', 'no-group', 'c', { minIdleMs: 0 })).toEqual([]);
  });

  it('blocks a read until an add wakes it, without holding up other calls', async () => {
    await queue.ensureGroup('a', 'g');
    await queue.ensureGroup('b', 'g');
    const started = Date.now();
    const onA = queue.read('a', 'g', 'c1', { blockMs: 5_000 });
    const onB = queue.read('b', 'g', 'c2', { blockMs: 5_000 });
    await sleep(150);
    expect(await queue.length('a')).toBe(0); // answered while two reads are blocked
    await queue.add('b', ['for b']);
    expect(texts(await onB)).toEqual(['for b']);
    await queue.add('a', ['for a']);
    expect(texts(await onA)).toEqual(['for a']);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('answers a blocking read with nothing after blockMs, or at once when aborted', async () => {
    await queue.ensureGroup('s', 'g');
    let started = Date.now();
    expect(await queue.read('s', 'g', 'c', { blockMs: 300 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    const abort = new AbortController();
    started = Date.now();
    const read = queue.read('s', 'g', 'c', { blockMs: 10_000, signal: abort.signal });
    await sleep(100);
    abort.abort();
    expect(await read).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
    // Nothing was lost to the aborted read.
    await queue.add('s', ['after']);
    expect(texts(await queue.read('s', 'g', 'c'))).toEqual(['after']);
  });

  it('trims to about maxLen, oldest first, per queue or per add', async () => {
    const small = await h.queue({ maxLen: 5 });
    for (let i = 0; i < 6; i++) await small.add('s', payloads(50, i * 50));
    for (let i = 0; i < 6; i++) await queue.add('t', payloads(50, i * 50), { maxLen: 5 });
    for (const [q, stream] of [
      [small, 's'],
      [queue, 't'],
    ] as const) {
      // Redis trims whole stream nodes (100 entries) with MAXLEN ~: at least 5 stay, far fewer than 300.
      const length = await q.length(stream);
      expect(length).toBeGreaterThanOrEqual(5);
      expect(length).toBeLessThanOrEqual(200);
      const kept = texts(await q.read(stream, 'g', 'c', { count: 1_000 }));
      expect(kept).toEqual(payloads(length, 300 - length)); // the newest, in order
    }
  });

  it('checks names and options, naming what is wrong', async () => {
    await expect(queue.add('has space', ['x'])).rejects.toThrow(TypeError);
    await expect(queue.read('s', '', 'c')).rejects.toThrow(/group must be a string/);
    await expect(queue.read('s', 'g', 'c', { count: 0 })).rejects.toThrow(/count must be an integer >= 1/);
    await expect(queue.claimStale('s', 'g', 'c', { minIdleMs: -1 })).rejects.toThrow(/minIdleMs/);
  });

  it('wakes blocked reads on close and refuses every later call', async () => {
    await queue.ensureGroup('s', 'g');
    const blocked = queue.read('s', 'g', 'c', { blockMs: 10_000 });
    await sleep(100);
    const started = Date.now();
    await queue.close();
    expect(await blocked).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(queue.add('s', ['x'])).rejects.toThrow(QueueClosedError);
    await expect(queue.read('s', 'g', 'c')).rejects.toThrow(/read\(\) called after close/);
    await queue.close(); // idempotent
  });
}
