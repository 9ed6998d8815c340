import { eventually, sleep } from '@defi-realtime/runtime/testing';
import { runConsumer, type Consumer, type ConsumerOptions } from '../../src/consumer/run-consumer';
import type { Queue, QueueEntry } from '../../src/queue';
import { gate, payloads, type HarnessFactory, type QueueHarness } from '../harness';

/** runConsumer on the queue: read -> handle -> ack, retries, dead letters, stop. */
export function consumerContract(harness: HarnessFactory): void {
  let h: QueueHarness;
  let queue: Queue;
  const consumers: Consumer[] = [];
  beforeEach(async () => {
    h = await harness();
    queue = await h.queue();
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await h.cleanup();
  });

  const start = (options: Partial<ConsumerOptions> & Pick<ConsumerOptions, 'handle'>): Consumer => {
    const consumer = runConsumer({
      queue,
      stream: 's',
      group: 'g',
      consumer: 'c1',
      logger: h.logger,
      blockMs: 200,
      ...options,
    });
    consumers.push(consumer);
    return consumer;
  };

  it('hands over batches in order and acknowledges them once handled', async () => {
    await queue.add('s', payloads(7));
    const batches: string[][] = [];
    start({ batchSize: 3, handle: async (entries) => void batches.push(entries.map((e) => e.payload)) });
    await eventually(() => expect(batches.flat()).toEqual(payloads(7)));
    expect(batches[0]).toEqual(['0', '1', '2']);
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(0));
    await queue.add('s', ['late']);
    await eventually(() => expect(batches.flat()).toEqual([...payloads(7), 'late']));
  });

  it('acknowledges only after the handler resolved', async () => {
    const hold = gate();
    let handling = false;
    start({ handle: async () => ((handling = true), await hold.promise) });
    await queue.add('s', payloads(2));
    await eventually(() => expect(handling).toBe(true));
    await sleep(100);
    expect(await queue.pendingCount('s', 'g')).toBe(2);
    hold.open();
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(0));
  });

  it('retries a batch whose handler rejected, once idle for claimIdleMs', async () => {
    const seen: Array<[string, number, number]> = [];
    const started = Date.now();
    start({
      claimIdleMs: 300,
      claimEveryMs: 50,
      handle: async (entries) => {
        for (const e of entries) seen.push([e.payload, e.deliveries, Date.now() - started]);
        if (seen.length === 1) throw new Error('downstream unavailable');
      },
    });
    await queue.add('s', ['x']);
    await eventually(() =>
      expect(seen.map(([p, d]) => [p, d])).toEqual([
        ['x', 1],
        ['x', 2],
      ]),
    );
    expect(seen[1]![2] - seen[0]![2]).toBeGreaterThanOrEqual(250);
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(0));
    expect(h.logs.some((l) => l.level === 'warn' && /handler failed/.test(l.msg ?? ''))).toBe(true);
  });

  it('dead-letters an entry delivered more than maxDeliveries times, acknowledges it, and goes on', async () => {
    const attempts: QueueEntry[] = [];
    const handled: string[] = [];
    const dead: QueueEntry[] = [];
    start({
      batchSize: 1,
      claimIdleMs: 100,
      claimEveryMs: 30,
      maxDeliveries: 3,
      handle: async ([entry]) => {
        if (entry!.payload === 'poison') {
          attempts.push(entry!);
          throw new Error('cannot parse');
        }
        handled.push(entry!.payload);
      },
      onDeadLetter: async (entries) => void dead.push(...entries),
    });
    await queue.add('s', ['poison', 'ok-1', 'ok-2']);
    await eventually(() => expect(dead.map((e) => [e.payload, e.deliveries])).toEqual([['poison', 4]]));
    expect(attempts.map((e) => e.deliveries)).toEqual([1, 2, 3]);
    expect(handled).toEqual(['ok-1', 'ok-2']);
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(0));
    await sleep(200);
    expect(dead).toHaveLength(1);
  });

  it('logs dead letters at error level by default', async () => {
    start({ claimIdleMs: 50, claimEveryMs: 20, maxDeliveries: 1, handle: async () => Promise.reject(new Error('no')) });
    await queue.add('s', ['poison']);
    await eventually(() =>
      expect(h.logs.find((l) => l.msg === 'queue entry dead-lettered')?.obj).toMatchObject({
        payload: 'poison',
        deliveries: 2,
      }),
    );
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(0));
  });

  it('stop() waits for the batch in hand, which is acknowledged, and reads no more', async () => {
    const hold = gate();
    const handled: string[] = [];
    const consumer = start({
      batchSize: 1,
      handle: async ([entry]) => {
        await hold.promise;
        handled.push(entry!.payload);
      },
    });
    await queue.add('s', ['first', 'second']);
    await eventually(async () => expect(await queue.pendingCount('s', 'g')).toBe(1));
    let stopped = false;
    const stopping = consumer.stop().then(() => (stopped = true));
    await sleep(150);
    expect(stopped).toBe(false);
    hold.open();
    await stopping;
    expect(handled).toEqual(['first']);
    expect(await queue.pendingCount('s', 'g')).toBe(0);
    await consumer.stop(); // idempotent
  });

  it('stop() returns promptly while the consumer waits for entries', async () => {
    const consumer = start({ blockMs: 10_000, handle: async () => undefined });
    await sleep(200);
    const started = Date.now();
    await consumer.stop();
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('shares a group between consumers: each entry handled once', async () => {
    const counts = new Map<string, number>();
    const handle = async (entries: QueueEntry[]) => {
      for (const e of entries) counts.set(e.payload, (counts.get(e.payload) ?? 0) + 1);
      await sleep(5);
    };
    const other = await h.queue();
    start({ batchSize: 5, handle });
    consumers.push(
      runConsumer({
        queue: other,
        stream: 's',
        group: 'g',
        consumer: 'c2',
        batchSize: 5,
        blockMs: 200,
        logger: h.logger,
        handle,
      }),
    );
    for (let i = 0; i < 10; i++) await queue.add('s', payloads(10, i * 10));
    await eventually(() => expect(counts.size).toBe(100));
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

  it('rejects invalid options with a TypeError naming them', () => {
    expect(() =>
      runConsumer({
        queue,
        stream: 's',
        group: 'g',
        consumer: 'c',
        logger: h.logger,
        handle: async () => undefined,
        batchSize: 0,
      }),
    ).toThrow(/batchSize/);
    expect(() =>
      runConsumer({ queue, stream: 's', group: 'g', consumer: '', logger: h.logger, handle: async () => undefined }),
    ).toThrow(/consumer/);
  });
}
