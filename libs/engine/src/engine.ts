import type { Position } from '@defi-realtime/protocol';

/** One event as it sits in a channel's stream. */
export interface ChannelEvent {
  channel: string;
  position: Position;
  /** The payload exactly as published (the event envelope as JSON text); never re-serialized. */
  payload: string;
}

/** Called for every live event on a channel this node subscribed to, in publish order. */
export type EventHandler = (event: ChannelEvent) => void;

/** Called on one surviving node (exactly one) when another node stopped heartbeating. */
export type NodeDownHandler = (nodeId: string) => void | Promise<void>;

export interface HistoryQuery {
  /** Return events after this position. Absent: the latest `limit` events. */
  since?: Position;
  /** At most this many events. @default the engine's historySize */
  limit?: number;
}

export interface HistoryResult {
  /** Events after `since`, oldest first. */
  events: ChannelEvent[];
  /**
   * True when `events` is exactly everything published after `since`: same epoch, nothing
   * trimmed in between, and no more than `limit` events missed. False means the caller
   * must reload state another way (REST, snapshot); `events` is then empty.
   */
  recovered: boolean;
  /** The channel's current top: the position of its last event (offset 0 when empty). */
  position: Position;
}

export interface EngineOptions {
  /** This node's id, unique in the cluster. @default a random id */
  nodeId?: string;
  /** Events kept per channel for recovery. @default 5000 */
  historySize?: number;
  /** How long a channel's history outlives its last publish. @default 300_000 (5 min, > the 120 s recovery window) */
  historyTtlMs?: number;
  /** How often this node says it is alive. @default 5_000 */
  heartbeatMs?: number;
  /** A node silent for this long is declared down. @default 2 * heartbeatMs */
  nodeTimeoutMs?: number;
}

/**
 * The Engine: ordered per-channel streams with history, live fan-out, small shared state
 * with TTL, node-owned set members and node liveness. DESIGN section 5. Two
 * implementations (MemoryEngine, RedisEngine) pass one contract suite.
 */
export interface Engine {
  readonly nodeId: string;

  /** Connect, load scripts, start heartbeating. Idempotent. */
  start(): Promise<void>;
  /** Stop heartbeating, drop subscriptions and connections. This node's owned members are removed. */
  close(): Promise<void>;

  /**
   * Append `payload` to `channel`'s history and fan it out live, atomically: a live
   * subscriber never sees an event that history lacks, and positions never go backwards.
   */
  publish(channel: string, payload: string): Promise<Position>;

  /**
   * Add a handler. The first handler for a channel on this node subscribes the node
   * (resolves once live events will arrive); later ones share that subscription.
   */
  subscribe(channel: string, handler: EventHandler): Promise<void>;
  /** Remove a handler; the last one removed unsubscribes the node from the channel. */
  unsubscribe(channel: string, handler: EventHandler): Promise<void>;

  /** Events missed since a position, or the latest ones. */
  history(channel: string, query?: HistoryQuery): Promise<HistoryResult>;
  /** The last event of a channel, or null when its history is empty or expired. */
  latest(channel: string): Promise<ChannelEvent | null>;

  /** Shared key/value state with a TTL (connection records, resume tokens). */
  setState(key: string, value: string, ttlMs: number): Promise<void>;
  getState(key: string): Promise<string | null>;
  deleteState(key: string): Promise<void>;

  /** Add to a fixed-window counter (rate limits); the window starts at the first increment. Returns the new count. */
  incr(key: string, windowMs: number, by?: number): Promise<number>;

  /**
   * Add a member to a shared set, owned by this node: when this node dies or closes, its
   * members are removed (connection quotas). Returns the set's size after adding.
   */
  addMember(setKey: string, member: string): Promise<number>;
  /** Remove a member. Returns the set's size after removing. */
  removeMember(setKey: string, member: string): Promise<number>;
  countMembers(setKey: string): Promise<number>;

  /** Ids of the nodes currently alive (this one included). */
  nodes(): Promise<string[]>;
  /** Register a handler for other nodes going down; it runs after their members were removed. */
  onNodeDown(handler: NodeDownHandler): void;
}
