import { createKeys, type RedisKeys } from '@defi-realtime/redis';
import {
  QUEUE_DEFAULTS,
  QueueClosedError,
  checkInteger,
  checkName,
  resolveClaim,
  resolveRead,
  type AddOptions,
  type ClaimOptions,
  type GroupStart,
  type Queue,
  type QueueEntry,
  type ReadOptions,
} from '../queue';
import { MemoryStream } from './memory-stream';

export interface MemoryQueueOptions {
  /**
   * Trim each stream to this many entries (exactly; Redis trims about as many).
   * @default 1_000_000 (QUEUE_DEFAULTS.maxLen)
   */
  maxLen?: number;
}

/**
 * The queue in process memory, for one process without Redis (`npm start`): the same
 * semantics as RedisQueue (ids `<ms>-<seq>`, groups with a last-delivered id, a pending
 * list with owner, idle time and delivery count), lost when the process ends.
 */
export class MemoryQueue implements Queue {
  private readonly streams = new Map<string, MemoryStream>();
  /** Blocked reads per stream, woken by `add`. */
  private readonly waiters = new Map<string, Set<() => void>>();
  // Stream names are checked as Redis would check them, so code that runs on one runs on both.
  private readonly keys: RedisKeys = createKeys('memory');
  private readonly maxLen: number;
  private closed = false;

  constructor(options: MemoryQueueOptions = {}) {
    this.maxLen = options.maxLen ?? QUEUE_DEFAULTS.maxLen;
    checkInteger('maxLen', this.maxLen, 1);
  }

  async add(stream: string, payloads: string[], options: AddOptions = {}): Promise<string[]> {
    this.open('add');
    const maxLen = options.maxLen ?? this.maxLen;
    checkInteger('add options.maxLen', maxLen, 1);
    const s = this.stream(stream, true)!;
    const ids = payloads.map((payload) => s.append(payload, maxLen));
    if (ids.length > 0) this.wake(stream);
    return ids;
  }

  async ensureGroup(stream: string, group: string, from: GroupStart = 'start'): Promise<void> {
    this.open('ensureGroup');
    checkName('group', group);
    this.stream(stream, true)!.ensureGroup(group, from);
  }

  async read(stream: string, group: string, consumer: string, options?: ReadOptions): Promise<QueueEntry[]> {
    this.open('read');
    checkName('group', group);
    checkName('consumer', consumer);
    const { count, blockMs, signal } = resolveRead(options);
    const deadline = Date.now() + blockMs;
    for (;;) {
      const s = this.stream(stream, true)!;
      // As RedisQueue does on NOGROUP: a group that is not there is created from the start.
      if (!s.hasGroup(group)) s.ensureGroup(group, 'start');
      const entries = s.deliver(group, consumer, count);
      const remaining = deadline - Date.now();
      if (entries.length > 0 || remaining <= 0 || this.closed || signal?.aborted) return entries;
      await this.waitForAdd(stream, remaining, signal);
    }
  }

  async ack(stream: string, group: string, ids: string[]): Promise<number> {
    this.open('ack');
    return this.stream(stream, false)?.ack(group, ids) ?? 0;
  }

  async claimStale(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<QueueEntry[]> {
    this.open('claimStale');
    checkName('consumer', consumer);
    const { minIdleMs, count } = resolveClaim(options);
    return this.stream(stream, false)?.claim(group, consumer, minIdleMs, count) ?? [];
  }

  async pendingCount(stream: string, group: string): Promise<number> {
    this.open('pendingCount');
    return this.stream(stream, false)?.pendingCount(group) ?? 0;
  }

  async length(stream: string): Promise<number> {
    this.open('length');
    return this.stream(stream, false)?.length ?? 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const stream of [...this.waiters.keys()]) this.wake(stream);
  }

  private open(method: string): void {
    if (this.closed) throw new QueueClosedError(method);
  }

  private stream(name: string, create: boolean): MemoryStream | undefined {
    const key = this.keys.stream(name);
    let s = this.streams.get(key);
    if (!s && create) this.streams.set(key, (s = new MemoryStream()));
    return s;
  }

  private wake(stream: string): void {
    const waiting = this.waiters.get(stream);
    if (!waiting) return;
    this.waiters.delete(stream);
    for (const wake of waiting) wake();
  }

  /** Resolve on the next add to `stream`, after `ms`, on abort or on close. */
  private waitForAdd(stream: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let waiting = this.waiters.get(stream);
      if (!waiting) this.waiters.set(stream, (waiting = new Set()));
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.get(stream)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      waiting.add(done);
    });
  }
}
