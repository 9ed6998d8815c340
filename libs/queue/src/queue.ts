/**
 * A durable work queue with consumer groups, modelled on Redis Streams: producers append
 * to a stream; each group sees every entry once, shared among its consumers; an entry a
 * consumer took stays pending until acknowledged, and another consumer can take it over
 * after it has been idle for a while (the first consumer crashed). Delivery is
 * at-least-once: consumers must be idempotent.
 */

/** One entry as a consumer gets it. */
export interface QueueEntry {
  /** `<ms>-<seq>`, increasing in append order within a stream. */
  id: string;
  payload: string;
  /** Times delivered, this one included: 1 on a first read, 2 after one claim, ... */
  deliveries: number;
}

export interface AddOptions {
  /**
   * Trim the stream to about this many entries (oldest first).
   * @default the queue's maxLen
   */
  maxLen?: number;
}

export interface ReadOptions {
  /**
   * Most entries to return.
   * @default 100
   */
  count?: number;
  /**
   * When there is no new entry, wait up to this long for one; 0 answers at once. (Unlike
   * Redis' BLOCK 0, never "forever": every wait has an end, so a consumer can stop.)
   * @default 0
   */
  blockMs?: number;
  /**
   * Ends a blocking wait early, answering no entries (how `runConsumer` stops at once).
   * On Redis Cluster the wait runs to blockMs.
   * @default undefined
   */
  signal?: AbortSignal;
}

export interface ClaimOptions {
  /** Only entries pending (delivered, not acknowledged) at least this long are taken. */
  minIdleMs: number;
  /**
   * Most entries to take.
   * @default 100
   */
  count?: number;
}

/** Where a new consumer group starts. */
export type GroupStart = 'start' | 'end';

/**
 * One interface, two implementations (`MemoryQueue`, `RedisQueue`), one contract test
 * suite. Calls on one queue are applied in call order: two `add`s issued one after the
 * other land in that order even when the first is not awaited.
 */
export interface Queue {
  /** Append payloads (in order) to a stream, trimmed approximately to maxLen; returns their ids. */
  add(stream: string, payloads: string[], options?: AddOptions): Promise<string[]>;
  /** Create the consumer group if missing, reading from the stream's start or its end. Idempotent. @default from 'start' */
  ensureGroup(stream: string, group: string, from?: GroupStart): Promise<void>;
  /**
   * New entries for this consumer (XREADGROUP >), blocking up to blockMs when there are
   * none. A missing group (the stream was deleted or flushed) is created from the start.
   */
  read(stream: string, group: string, consumer: string, options?: ReadOptions): Promise<QueueEntry[]>;
  /** Acknowledge entries: they leave the group's pending list. Returns how many were pending. */
  ack(stream: string, group: string, ids: string[]): Promise<number>;
  /** Take over entries pending longer than minIdleMs on any consumer (XAUTOCLAIM), with their delivery counts. */
  claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<QueueEntry[]>;
  /** Entries delivered to the group and not acknowledged yet (0 for a missing group). */
  pendingCount(stream: string, group: string): Promise<number>;
  /** Entries in the stream (0 for a missing stream). */
  length(stream: string): Promise<number>;
  /** Release connections and wake blocked reads; every later call rejects with QueueClosedError. Idempotent. */
  close(): Promise<void>;
}

/** A call on a queue after `close()`. */
export class QueueClosedError extends Error {
  override readonly name = 'QueueClosedError';
  readonly code = 'QUEUE_CLOSED';
  constructor(method: string) {
    super(`Queue.${method}() called after close()`);
  }
}

/** The defaults of the queue options, in one place. */
export const QUEUE_DEFAULTS = Object.freeze({
  /**
   * The stream is the buffer between producers and consumers: it must hold what
   * accumulates while every consumer is down (1,000,000 events is hours of a busy feed),
   * yet stay bounded so a consumer that never comes back cannot fill Redis' memory
   * (about 0.5 GB at ~500 bytes per event).
   */
  maxLen: 1_000_000,
  readCount: 100,
  claimCount: 100,
});

/** Throw a TypeError naming `name` unless `value` is an integer >= min. */
export function checkInteger(name: string, value: number, min: number): void {
  if (!(Number.isSafeInteger(value) && value >= min)) {
    throw new TypeError(`${name} must be an integer >= ${min}, got ${String(value)}`);
  }
}

/** Throw a TypeError naming `name` unless it is a non-empty string (a group or consumer name). */
export function checkName(name: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 256) {
    throw new TypeError(`${name} must be a string of 1-256 characters, got ${JSON.stringify(value)}`);
  }
}

/** Read options with defaults applied and checked. */
export function resolveRead(options: ReadOptions = {}): { count: number; blockMs: number; signal?: AbortSignal } {
  const count = options.count ?? QUEUE_DEFAULTS.readCount;
  const blockMs = options.blockMs ?? 0;
  checkInteger('read options.count', count, 1);
  checkInteger('read options.blockMs', blockMs, 0);
  return { count, blockMs, ...(options.signal ? { signal: options.signal } : {}) };
}

/** Claim options with defaults applied and checked. */
export function resolveClaim(options: ClaimOptions): { minIdleMs: number; count: number } {
  const count = options.count ?? QUEUE_DEFAULTS.claimCount;
  checkInteger('claimStale options.minIdleMs', options.minIdleMs, 0);
  checkInteger('claimStale options.count', count, 1);
  return { minIdleMs: options.minIdleMs, count };
}
