import type { Logger } from '@defi-realtime/redis';
import { QueueClosedError, checkInteger, checkName, type GroupStart, type Queue, type QueueEntry } from '../queue';

export interface ConsumerOptions {
  queue: Queue;
  stream: string;
  group: string;
  /** This worker's name in the group: unique per process (a restarted worker may reuse it). */
  consumer: string;
  /**
   * Handle a batch, in stream order. Resolving acknowledges every entry of the batch;
   * rejecting acknowledges none: they stay pending and are retried by a claim pass once
   * idle for claimIdleMs. Entries can come more than once: be idempotent.
   */
  handle: (entries: QueueEntry[]) => Promise<void>;
  /**
   * Most entries per batch (per read and per claim).
   * @default 100
   */
  batchSize?: number;
  /**
   * Wait up to this long for new entries in one read. Short enough that claim passes
   * run on time; `stop()` does not wait for it (the read is cut short).
   * @default 2_000
   */
  blockMs?: number;
  /**
   * An entry pending this long on any consumer is taken over: the consumer that had it
   * crashed or failed to handle it. Longer than the slowest normal batch, or a slow but
   * healthy consumer's entries are handled twice.
   * @default 30_000
   */
  claimIdleMs?: number;
  /**
   * How often to look for stale entries (sooner while a pass comes back full).
   * @default 5_000
   */
  claimEveryMs?: number;
  /**
   * An entry delivered more often than this goes to `onDeadLetter` and is acknowledged,
   * so one poison entry never blocks a stream forever.
   * @default 5
   */
  maxDeliveries?: number;
  /**
   * Where entries past maxDeliveries go (store them for a replay). Rejecting leaves them
   * pending, to be offered again on a later claim pass.
   * @default log each entry at error level
   */
  onDeadLetter?: (entries: QueueEntry[]) => Promise<void>;
  /**
   * Create the group at start if missing, from the stream's start or its end.
   * @default 'start'
   */
  from?: GroupStart;
  /**
   * Pause after a failed queue call (Redis unreachable) before trying again.
   * @default 1_000
   */
  retryDelayMs?: number;
  logger: Logger;
}

/** A running consumer. */
export interface Consumer {
  /** Stop reading; resolves once the batch in hand is handled and acknowledged. Idempotent. */
  stop(): Promise<void>;
}

/** The defaults of ConsumerOptions, in one place. */
export const CONSUMER_DEFAULTS = Object.freeze({
  batchSize: 100,
  blockMs: 2_000,
  claimIdleMs: 30_000,
  claimEveryMs: 5_000,
  maxDeliveries: 5,
  from: 'start' as GroupStart,
  retryDelayMs: 1_000,
});

/** A consumer loop: read -> handle -> ack; claims stale entries periodically; stop() waits for the batch in hand. */
export function runConsumer(options: ConsumerOptions): Consumer {
  const o = resolve(options);
  const { queue, stream, group, consumer, logger } = o;
  const context = { stream, group, consumer };
  const stopping = new AbortController();
  const onDeadLetter =
    options.onDeadLetter ??
    (async (entries: QueueEntry[]) => {
      for (const e of entries)
        logger.error(
          { ...context, id: e.id, deliveries: e.deliveries, payload: e.payload.slice(0, 1_000) },
          'queue entry dead-lettered',
        );
    });

  /** Handle a batch (dead letters apart) and acknowledge what was handled. */
  async function handleBatch(entries: QueueEntry[]): Promise<void> {
    const dead = entries.filter((e) => e.deliveries > o.maxDeliveries);
    const live = dead.length === 0 ? entries : entries.filter((e) => e.deliveries <= o.maxDeliveries);
    if (dead.length > 0) {
      try {
        await onDeadLetter(dead);
        await queue.ack(
          stream,
          group,
          dead.map((e) => e.id),
        );
      } catch (error) {
        logger.error(
          { ...context, err: error, ids: dead.map((e) => e.id) },
          'dead-letter handler failed; the entries stay pending',
        );
      }
    }
    if (live.length === 0) return;
    try {
      await o.handle(live);
    } catch (error) {
      logger.warn(
        { ...context, err: error, ids: live.map((e) => e.id) },
        `handler failed; retried once idle for ${o.claimIdleMs} ms`,
      );
      return;
    }
    await queue.ack(
      stream,
      group,
      live.map((e) => e.id),
    );
  }

  async function loop(): Promise<void> {
    let nextClaim = 0;
    let grouped = false;
    while (!stopping.signal.aborted) {
      try {
        if (!grouped) {
          await queue.ensureGroup(stream, group, o.from);
          grouped = true;
        }
        if (Date.now() >= nextClaim) {
          const claimed = await queue.claimStale(stream, group, consumer, {
            minIdleMs: o.claimIdleMs,
            count: o.batchSize,
          });
          // A full page: more may be waiting, so claim again right after this batch.
          if (claimed.length < o.batchSize) nextClaim = Date.now() + o.claimEveryMs;
          if (claimed.length > 0) {
            await handleBatch(claimed);
            continue;
          }
        }
        // Never block past the next claim pass.
        const blockMs = Math.max(1, Math.min(o.blockMs, nextClaim - Date.now()));
        const entries = await queue.read(stream, group, consumer, {
          count: o.batchSize,
          blockMs,
          signal: stopping.signal,
        });
        if (entries.length > 0) await handleBatch(entries);
      } catch (error) {
        if (stopping.signal.aborted) break;
        if (error instanceof QueueClosedError) {
          logger.warn({ ...context }, 'queue closed under a running consumer; it stops');
          break;
        }
        logger.error({ ...context, err: error }, `queue call failed; retrying in ${o.retryDelayMs} ms`);
        await pause(o.retryDelayMs, stopping.signal);
      }
    }
  }

  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
    },
  };
}

function resolve(options: ConsumerOptions): Required<Omit<ConsumerOptions, 'onDeadLetter'>> {
  const o = { ...CONSUMER_DEFAULTS, ...withoutUndefined(options) };
  checkName('stream', o.stream);
  checkName('group', o.group);
  checkName('consumer', o.consumer);
  checkInteger('batchSize', o.batchSize, 1);
  checkInteger('blockMs', o.blockMs, 1);
  checkInteger('claimIdleMs', o.claimIdleMs, 0);
  checkInteger('claimEveryMs', o.claimEveryMs, 1);
  checkInteger('maxDeliveries', o.maxDeliveries, 1);
  checkInteger('retryDelayMs', o.retryDelayMs, 0);
  if (typeof o.handle !== 'function') throw new TypeError('handle must be a function');
  return o;
}

// Explicit `undefined` means "default", as if the option were absent.
function withoutUndefined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    };
    const timer = setTimeout(finish, ms);
    signal.addEventListener('abort', finish, { once: true });
  });
}
