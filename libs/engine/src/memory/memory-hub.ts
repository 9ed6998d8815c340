import type { ChannelEvent } from '../engine';
import { ChannelLog, type LogLimits } from './channel-log';

/** Receives the events of a channel a node subscribed to, synchronously at publish. */
export type HubListener = (event: ChannelEvent) => void;

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

const SWEEP_EVERY_MS = 1_000;

/**
 * What several MemoryEngine nodes share: the in-process stand-in for Redis. Each engine
 * without a hub gets its own; pass one hub to several engines to run them as the nodes
 * of one cluster (the contract suite's multi-node tests, demos). Expiry is lazy on access
 * plus a sweep at most once a second, driven by the engines' heartbeats.
 */
export class MemoryHub {
  private readonly logs = new Map<string, ChannelLog>();
  private readonly listeners = new Map<string, Set<HubListener>>();
  private readonly state = new Map<string, Expiring<string>>();
  private readonly counters = new Map<string, Expiring<number>>();
  /** setKey -> member -> owning node. */
  private readonly sets = new Map<string, Map<string, string>>();
  /** node -> setKey -> members it added (what to remove when it dies). */
  private readonly owned = new Map<string, Map<string, Set<string>>>();
  /** node -> last heartbeat (ms). */
  private readonly nodes = new Map<string, number>();
  private lastSweep = 0;

  // --- channels -------------------------------------------------------------------

  publish(channel: string, payload: string, limits: LogLimits): ChannelEvent {
    const event = this.log(channel, limits).append(payload, limits, Date.now());
    const listeners = this.listeners.get(channel);
    if (listeners) for (const listener of listeners) listener(event);
    return event;
  }

  /** The channel's live log; created (with a new epoch) when missing or expired. */
  log(channel: string, limits: LogLimits): ChannelLog {
    const now = Date.now();
    let log = this.logs.get(channel);
    if (!log || !log.isAlive(now)) {
      log = new ChannelLog(channel, limits, now);
      this.logs.set(channel, log);
    }
    return log;
  }

  listen(channel: string, listener: HubListener): void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
  }

  unlisten(channel: string, listener: HubListener): void {
    const set = this.listeners.get(channel);
    if (set?.delete(listener) && set.size === 0) this.listeners.delete(channel);
  }

  /** How many nodes listen to a channel (the in-memory PUBSUB NUMSUB). */
  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }

  // --- state and counters -----------------------------------------------------------

  setState(key: string, value: string, ttlMs: number): void {
    this.state.set(key, { value, expiresAt: Date.now() + ttlMs });
  }

  getState(key: string): string | null {
    return live(this.state, key)?.value ?? null;
  }

  deleteState(key: string): void {
    this.state.delete(key);
  }

  incr(key: string, windowMs: number, by: number): number {
    const counter = live(this.counters, key);
    if (counter) return (counter.value += by);
    this.counters.set(key, { value: by, expiresAt: Date.now() + windowMs });
    return by;
  }

  // --- node-owned members -----------------------------------------------------------

  addMember(setKey: string, member: string, nodeId: string): number {
    let set = this.sets.get(setKey);
    if (!set) this.sets.set(setKey, (set = new Map()));
    const previous = set.get(member);
    if (previous !== undefined) this.ownedBy(previous, setKey)?.delete(member);
    set.set(member, nodeId);
    let bySet = this.owned.get(nodeId);
    if (!bySet) this.owned.set(nodeId, (bySet = new Map()));
    let members = bySet.get(setKey);
    if (!members) bySet.set(setKey, (members = new Set()));
    members.add(member);
    return set.size;
  }

  removeMember(setKey: string, member: string): number {
    const set = this.sets.get(setKey);
    const owner = set?.get(member);
    if (!set || owner === undefined) return set?.size ?? 0;
    set.delete(member);
    this.ownedBy(owner, setKey)?.delete(member);
    if (set.size === 0) this.sets.delete(setKey);
    return set.size;
  }

  countMembers(setKey: string): number {
    return this.sets.get(setKey)?.size ?? 0;
  }

  /** Remove every member `nodeId` owns. */
  reapMembers(nodeId: string): void {
    for (const [setKey, members] of this.owned.get(nodeId) ?? []) {
      for (const member of members) this.removeMember(setKey, member);
    }
    this.owned.delete(nodeId);
  }

  // --- node liveness ----------------------------------------------------------------

  /** Record a heartbeat; false when the node was not registered (new, or declared down). */
  heartbeat(nodeId: string): boolean {
    const known = this.nodes.has(nodeId);
    this.nodes.set(nodeId, Date.now());
    this.sweep();
    return known;
  }

  /** Registered nodes that heartbeated within `timeoutMs` (alive) or not (stale). */
  listNodes(timeoutMs: number, which: 'alive' | 'stale'): string[] {
    const cutoff = Date.now() - timeoutMs;
    return [...this.nodes].filter(([, seen]) => (which === 'alive' ? seen >= cutoff : seen < cutoff)).map(([id]) => id);
  }

  /** Take a silent node off the registry; true for exactly one caller (this is one thread). */
  claimNode(nodeId: string, timeoutMs: number): boolean {
    const seen = this.nodes.get(nodeId);
    if (seen === undefined || seen >= Date.now() - timeoutMs) return false;
    this.nodes.delete(nodeId);
    return true;
  }

  /** A clean leave: off the registry, no onNodeDown anywhere. */
  forgetNode(nodeId: string): void {
    this.nodes.delete(nodeId);
  }

  private ownedBy(nodeId: string, setKey: string): Set<string> | undefined {
    return this.owned.get(nodeId)?.get(setKey);
  }

  private sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [channel, log] of this.logs) if (!log.isAlive(now)) this.logs.delete(channel);
    for (const map of [this.state, this.counters] as Map<string, Expiring<unknown>>[]) {
      for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
    }
  }
}

function live<T>(map: Map<string, Expiring<T>>, key: string): Expiring<T> | undefined {
  const entry = map.get(key);
  if (entry && entry.expiresAt <= Date.now()) {
    map.delete(key);
    return undefined;
  }
  return entry;
}
