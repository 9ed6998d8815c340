import type { CacheLookup, CachedAnswer, PeekedAnswer, ResponseCache } from './response-cache';

export interface MemoryCacheOptions {
  /** How long an entry may be served. */
  ttlMs: number;
  /** Entries kept; the oldest stored is dropped first. @default 10_000 */
  maxEntries?: number;
  /** Total body bytes kept (a `/protocols` answer is megabytes); the oldest go first. @default 64 MiB */
  maxBytes?: number;
  /** The clock (tests). @default Date.now */
  now?: () => number;
}

interface Entry {
  tags: readonly string[];
  versions: string;
  answer: CachedAnswer;
  expiresAt: number;
}

/**
 * The response cache in process memory (REDIS_URL unset), with the semantics of the
 * Redis one: per-tag versions, entries stored with the versions read before their answer
 * was computed, a TTL, and `*` invalidating everything.
 */
export class MemoryResponseCache implements ResponseCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  #bytes = 0;
  #generation = 0;
  readonly #versions = new Map<string, number>();
  // A Map iterates in insertion order, so its first key is the oldest entry.
  readonly #entries = new Map<string, Entry>();

  constructor(options: MemoryCacheOptions) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!(Number.isInteger(options.ttlMs) && options.ttlMs > 0))
      throw new TypeError(`Invalid ttlMs ${String(options.ttlMs)}: expected a whole number of ms > 0`);
    if (!(Number.isInteger(maxEntries) && maxEntries > 0))
      throw new TypeError(`Invalid maxEntries ${String(maxEntries)}: expected a whole number > 0`);
    this.#ttlMs = options.ttlMs;
    this.#maxEntries = maxEntries;
    this.#maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.#now = options.now ?? Date.now;
  }

  async peek(key: string): Promise<PeekedAnswer | null> {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now() && entry.versions === this.versionsOf(entry.tags))
      return { ...entry.answer, tags: entry.tags };
    return null;
  }

  async lookup(key: string, tags: readonly string[]): Promise<CacheLookup> {
    const versions = this.versionsOf(tags);
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt > this.#now() && entry.versions === versions)
      return { status: 'hit', answer: entry.answer };
    return { status: 'miss', versions };
  }

  async store(key: string, tags: readonly string[], versions: string, answer: CachedAnswer): Promise<void> {
    this.#drop(key);
    if (answer.body.length > this.#maxBytes) return;
    while (this.#entries.size >= this.#maxEntries || this.#bytes + answer.body.length > this.#maxBytes) {
      this.#drop(this.#entries.keys().next().value as string);
    }
    this.#entries.set(key, { tags, versions, answer, expiresAt: this.#now() + this.#ttlMs });
    this.#bytes += answer.body.length;
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    this.#generation++;
    for (const tag of tags) this.#versions.set(tag, (this.#versions.get(tag) ?? 0) + 1);
  }

  /** Entries held (tests, metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Moves on every invalidation: unchanged means no tag's version moved in between. */
  get generation(): number {
    return this.#generation;
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.answer.body.length;
  }

  /** The current versions of `tags`, as lookup hands them out. */
  versionsOf(tags: readonly string[]): string {
    let out = '';
    for (const tag of tags) out += `${this.#versions.get(tag) ?? 0},`;
    return out;
  }
}
