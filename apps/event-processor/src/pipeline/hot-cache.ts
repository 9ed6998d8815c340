/** What the processor remembers per token or protocol(+chain). */
export interface CacheEntry {
  /** The last observation seen (any source): for duplicate and out-of-order checks. */
  observedAt: number;
  observedValue: number;
  /** The value last published as an event: the reference a change is measured from. */
  publishedValue: number;
  /** Display names learned from earlier records (symbol, protocol name). */
  label: string | undefined;
}

/**
 * The latest value per key, in process. Bounded: past `maxEntries` the least recently
 * updated entries are forgotten (they then count as first observations again).
 */
export class HotCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(private readonly maxEntries = 1_000_000) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CacheEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: CacheEntry): void {
    this.entries.delete(key); // re-insert: Map order is then "least recently updated first"
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  /** Put back what `set` replaced, unless someone changed the key since (a failed publish). */
  restore(key: string, previous: CacheEntry | undefined, replacedBy: CacheEntry): void {
    if (this.entries.get(key) !== replacedBy) return;
    if (previous) this.entries.set(key, previous);
    else this.entries.delete(key);
  }
}
