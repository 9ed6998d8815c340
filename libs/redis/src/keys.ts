/**
 * Every Redis key and pub/sub channel name, built in one place (like bullmq's
 * queue-keys.ts). Keys that one script touches together share a cluster hash tag, so
 * they live in one slot: a channel's stream, meta hash and live channel carry
 * `{<channel>}`; a member set and its per-node owner sets carry `{members:<setKey>}`;
 * all node liveness keys carry `{nodes}` (tiny, written once per heartbeat).
 */
export interface RedisKeys {
  readonly prefix: string;
  /** Stream of a channel's recent events (entry id `<offset>-0`, field `p` = payload). */
  history(channel: string): string;
  /** Hash of a channel's `offset` (last one given out) and `epoch`. */
  meta(channel: string): string;
  /** Pub/sub channel (classic or sharded) carrying a channel's live events. */
  live(channel: string): string;
  /** String: shared state with a TTL. */
  state(key: string): string;
  /** String: fixed-window counter, expiring with its window. */
  counter(key: string): string;
  /** Hash member -> owning node id: a node-owned set. */
  members(setKey: string): string;
  /** Set of the members of `setKey` added by `nodeId` (same slot as `members`). */
  memberOwner(setKey: string, nodeId: string): string;
  /** Sorted set node id -> last heartbeat (Redis server time, ms). */
  nodeRegistry(): string;
  /** String with a TTL of nodeTimeoutMs: present while the node heartbeats. */
  nodeAlive(nodeId: string): string;
  /** String set NX by the survivor that cleans up a dead node, so exactly one does. */
  nodeClaim(nodeId: string): string;
  /** Set of the setKeys in which `nodeId` added members (what to clean when it dies). */
  nodeSets(nodeId: string): string;
  /**
   * Stream of a durable work queue (libs/queue: consumer groups, XAUTOCLAIM). The hash
   * tag `{stream:<name>}` puts any companion key of the stream (an outbox's dedup set)
   * in the same cluster slot, so one script can touch both.
   */
  stream(name: string): string;
  /**
   * Hash of the response cache's tag versions (query-api). It shares the hash tag
   * `{cache}` with every cache entry so one script can check an entry against it.
   */
  cacheVersions(): string;
  /** Hash of one cached response (`id`: a digest of the request), expiring with it. */
  cacheEntry(id: string): string;
  /**
   * Hash rule id -> JSON evaluation state of an alert rule (alert-engine), plus the field
   * `~generation` counting the commits made to it. A companion of
   * the outbox stream `outboxStream` (same `{stream:<name>}` hash tag), so one script
   * records a rule's transition and appends its notification atomically, also on a cluster.
   */
  alertRuleState(outboxStream: string): string;
  /** SCAN pattern matching every key under this prefix (tests, maintenance). */
  pattern(): string;
}

const PREFIX = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Names go inside hash tags and SCAN patterns: no braces, glob characters, spaces or controls. */
const NAME = /^[^\s{}*?[\]\\]{1,256}$/;

/** The key builder for one prefix (`rt` in production, a unique one per test). */
export function createKeys(prefix = 'rt'): RedisKeys {
  if (!PREFIX.test(prefix)) {
    throw new TypeError(`Invalid Redis key prefix "${prefix}": use 1-64 of A-Z a-z 0-9 _ . : -`);
  }
  const p = prefix;
  return Object.freeze({
    prefix,
    history: (channel: string) => `${p}:{${name('channel', channel)}}:hist`,
    meta: (channel: string) => `${p}:{${name('channel', channel)}}:meta`,
    live: (channel: string) => `${p}:{${name('channel', channel)}}:live`,
    state: (key: string) => `${p}:state:${name('state key', key)}`,
    counter: (key: string) => `${p}:counter:${name('counter key', key)}`,
    members: (setKey: string) => `${p}:{members:${name('set key', setKey)}}`,
    memberOwner: (setKey: string, nodeId: string) =>
      `${p}:{members:${name('set key', setKey)}}:owner:${name('node id', nodeId)}`,
    nodeRegistry: () => `${p}:{nodes}:registry`,
    nodeAlive: (nodeId: string) => `${p}:{nodes}:alive:${name('node id', nodeId)}`,
    nodeClaim: (nodeId: string) => `${p}:{nodes}:claim:${name('node id', nodeId)}`,
    nodeSets: (nodeId: string) => `${p}:{nodes}:sets:${name('node id', nodeId)}`,
    stream: (streamName: string) => `${p}:{stream:${name('stream', streamName)}}`,
    cacheVersions: () => `${p}:{cache}:versions`,
    cacheEntry: (id: string) => `${p}:{cache}:entry:${name('cache entry id', id)}`,
    alertRuleState: (outboxStream: string) => `${p}:{stream:${name('stream', outboxStream)}}:rule-state`,
    pattern: () => `${p}:*`,
  });
}

function name(kind: string, value: string): string {
  if (!NAME.test(value)) {
    throw new TypeError(
      `Invalid ${kind} "${value}" for a Redis key: 1-256 characters without spaces, braces or * ? [ ] \\`,
    );
  }
  return value;
}
