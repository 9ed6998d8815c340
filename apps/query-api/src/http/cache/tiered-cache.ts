import type { MemoryResponseCache } from './memory-cache';
import type { CacheLookup, CachedAnswer, PeekedAnswer, ResponseCache } from './response-cache';

/** Separates the local and the shared versions in the string a miss hands out. */
const SEPARATOR = '|';

/**
 * Two tiers: this process's memory in front of the shared Redis cache. A hit in memory
 * costs no round trip; a miss there falls through to Redis, and a Redis hit fills memory.
 *
 * Each tier checks entries against its own tag versions: the local ones are bumped by
 * this process when it hears a change, the shared ones by every process. `invalidate`
 * bumps Redis first and memory second, so whenever memory still shows the old versions,
 * Redis has either not moved yet (its answer is as old as memory's view, and the local
 * bump to come makes the copy stale) or already refuses the old entry. A Redis answer
 * is copied to memory only when no local invalidation happened during its lookup.
 */
export class TieredResponseCache implements ResponseCache {
  constructor(
    private readonly local: MemoryResponseCache,
    private readonly shared: ResponseCache,
  ) {}

  async peek(key: string): Promise<PeekedAnswer | null> {
    const near = await this.local.peek(key);
    if (near) return near;
    const generation = this.local.generation;
    const versions = (tags: readonly string[]) => this.local.versionsOf(tags);
    const far = await this.shared.peek(key);
    if (far && this.local.generation === generation) await this.local.store(key, far.tags, versions(far.tags), far);
    return far;
  }

  async lookup(key: string, tags: readonly string[]): Promise<CacheLookup> {
    const near = await this.local.lookup(key, tags);
    if (near.status !== 'miss') return near;
    const far = await this.shared.lookup(key, tags);
    if (far.status === 'hit') {
      // near.versions were read before Redis answered: a change since then makes the copy stale.
      await this.local.store(key, tags, near.versions, far.answer);
      return far;
    }
    // Redis unavailable (bypass): still worth keeping the answer in memory.
    return { status: 'miss', versions: `${near.versions}${SEPARATOR}${far.status === 'miss' ? far.versions : ''}` };
  }

  async store(key: string, tags: readonly string[], versions: string, answer: CachedAnswer): Promise<void> {
    const at = versions.indexOf(SEPARATOR);
    if (at === -1) throw new TypeError('TieredResponseCache.store: versions must come from its own lookup');
    const sharedVersions = versions.slice(at + 1);
    await this.local.store(key, tags, versions.slice(0, at), answer);
    if (sharedVersions !== '') await this.shared.store(key, tags, sharedVersions, answer);
  }

  async invalidate(tags: readonly string[]): Promise<void> {
    // Shared first, then local: see the class comment for why the order matters.
    await this.shared.invalidate(tags);
    await this.local.invalidate(tags);
  }
}
