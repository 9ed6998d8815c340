import type { GroupStart, QueueEntry } from '../queue';

/** An entry id `<ms>-<seq>` as numbers, compared like Redis stream ids. */
interface StreamId {
  ms: number;
  seq: number;
}

interface StoredEntry extends StreamId {
  id: string;
  payload: string;
}

interface PendingEntry {
  consumer: string;
  deliveredAt: number;
  deliveries: number;
}

interface Group {
  /** Last id delivered to the group: reads return entries after it. */
  last: StreamId;
  /** The pending entries list, by id; insertion order is id order (reads deliver ascending ids). */
  pending: Map<string, PendingEntry>;
}

// Trimming advances `head` instead of shifting the array on each add; the dead prefix is
// dropped in one splice once it is both large and most of the array.
const COMPACT_AT = 1_024;

/** One stream in process memory, with its groups: the data structure behind MemoryQueue. */
export class MemoryStream {
  private entries: StoredEntry[] = [];
  private head = 0;
  private last: StreamId = { ms: 0, seq: 0 };
  private readonly groups = new Map<string, Group>();

  get length(): number {
    return this.entries.length - this.head;
  }

  /** Append one payload with the next id (`<now>-0`, or the last ms with seq + 1 when the clock has not moved on). */
  append(payload: string, maxLen: number): string {
    const now = Date.now();
    this.last = now > this.last.ms ? { ms: now, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    const id = `${this.last.ms}-${this.last.seq}`;
    this.entries.push({ id, payload, ...this.last });
    if (this.length > maxLen) this.trim(maxLen);
    return id;
  }

  hasGroup(group: string): boolean {
    return this.groups.has(group);
  }

  /** Create the group unless it exists (XGROUP CREATE ... MKSTREAM, BUSYGROUP ignored). */
  ensureGroup(group: string, from: GroupStart): void {
    if (this.groups.has(group)) return;
    this.groups.set(group, { last: from === 'end' ? { ...this.last } : { ms: 0, seq: 0 }, pending: new Map() });
  }

  /** XREADGROUP >: up to `count` entries after the group's last delivered id, now pending on `consumer`. */
  deliver(group: string, consumer: string, count: number): QueueEntry[] {
    const g = this.groups.get(group);
    if (!g) return [];
    const out: QueueEntry[] = [];
    const now = Date.now();
    for (let i = this.firstAfter(g.last); i < this.entries.length && out.length < count; i++) {
      const entry = this.entries[i]!;
      g.pending.set(entry.id, { consumer, deliveredAt: now, deliveries: 1 });
      out.push({ id: entry.id, payload: entry.payload, deliveries: 1 });
      g.last = { ms: entry.ms, seq: entry.seq };
    }
    return out;
  }

  /** XACK: how many of `ids` were pending. */
  ack(group: string, ids: string[]): number {
    const pending = this.groups.get(group)?.pending;
    if (!pending) return 0;
    let n = 0;
    for (const id of ids) if (pending.delete(id)) n++;
    return n;
  }

  /**
   * XAUTOCLAIM: entries pending at least `minIdleMs` move to `consumer` with one more
   * delivery; pending entries already trimmed from the stream are dropped instead.
   */
  claim(group: string, consumer: string, minIdleMs: number, count: number): QueueEntry[] {
    const pending = this.groups.get(group)?.pending;
    if (!pending) return [];
    const out: QueueEntry[] = [];
    const now = Date.now();
    for (const [id, p] of pending) {
      if (out.length >= count) break;
      if (now - p.deliveredAt < minIdleMs) continue;
      const entry = this.find(id);
      if (!entry) {
        pending.delete(id);
        continue;
      }
      p.consumer = consumer;
      p.deliveredAt = now;
      p.deliveries += 1;
      out.push({ id, payload: entry.payload, deliveries: p.deliveries });
    }
    return out;
  }

  pendingCount(group: string): number {
    return this.groups.get(group)?.pending.size ?? 0;
  }

  private trim(maxLen: number): void {
    this.head = this.entries.length - maxLen;
    if (this.head >= COMPACT_AT && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Index of the first live entry with an id greater than `after`. */
  private firstAfter(after: StreamId): number {
    let lo = this.head;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(this.entries[mid]!, after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private find(id: string): StoredEntry | undefined {
    const parsed = parseId(id);
    const i = this.firstAfter({ ms: parsed.ms, seq: parsed.seq - 1 });
    const entry = this.entries[i];
    return entry?.id === id ? entry : undefined;
  }
}

function compare(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

function parseId(id: string): StreamId {
  const dash = id.indexOf('-');
  return { ms: Number(id.slice(0, dash)), seq: Number(id.slice(dash + 1)) };
}
