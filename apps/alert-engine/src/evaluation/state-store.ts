import { QUEUE_DEFAULTS, type Queue } from '@defi-realtime/queue';
import { closeRedis, createRedis, redactRedisUrl, type RedisClient } from '@defi-realtime/redis';
import type { Logger } from '@defi-realtime/runtime';
import { MemoryStateStore } from './memory-state-store';
import { RedisStateStore } from './redis-state-store';
import type { RuleState } from './rule-state';

/** A rule, as the store sees it. A store may remember states per rule object (rules are replaced, not mutated, when they change). */
export interface RuleRef {
  readonly id: string;
}

/** One rule's new state and the notifications it produced, computed from a known version. */
export interface Transition {
  rule: RuleRef;
  /** The stored version the new state was computed from (0: nothing stored). */
  expectedVersion: number;
  /** The new state; its version must be expectedVersion + 1. */
  state: RuleState;
  /** Notification payloads (JSON of NotificationSchema) to append to the outbox. */
  notifications: string[];
}

/** A transition was committed, or someone else moved the rule first (evaluate again from `current`). */
export type CommitResult = { ok: true } | { ok: false; current: RuleState };

/**
 * Per-rule evaluation state shared by every worker. Only non-initial states are stored;
 * an absent rule is INITIAL_STATE. A transition is committed together with its
 * notifications (compare-and-set on the version), so a redelivered event never notifies
 * twice and a crash never loses a notification.
 */
export interface RuleStateStore {
  /** The states of these rules, in order (one round trip at most). */
  load(rules: readonly RuleRef[]): Promise<RuleState[]>;
  /** Commit transitions of distinct rules (pipelined); one result per transition, in order. */
  commit(transitions: readonly Transition[]): Promise<CommitResult[]>;
  /** Forget the states of deleted rules. */
  delete(ruleIds: readonly string[]): Promise<void>;
  /** Release what the store owns (a Redis connection it opened). */
  close(): Promise<void>;
}

export interface StateStoreOptions {
  /**
   * Redis to keep states in (the store opens and closes its own connection). Unset, with
   * no `redis` either: states in process memory (`npm start`, one process).
   * @default undefined
   */
  redisUrl?: string;
  /** A connected client to use instead; it stays the caller's. @default undefined */
  redis?: RedisClient;
  /** Key prefix; must be the queue's, since notifications go to the queue's outbox stream. @default 'rt' */
  prefix?: string;
  /** Where the memory store appends notifications (and where delivery reads them). */
  queue: Queue;
  /**
   * Outbox MAXLEN ~ for appends made by the Redis script: keep it equal to the queue's maxLen.
   * @default 1_000_000 (QUEUE_DEFAULTS.maxLen)
   */
  outboxMaxLen?: number;
  logger?: Logger;
}

/** The state store the configuration asks for: Redis when a URL or client is given, else memory. */
export async function createStateStore(options: StateStoreOptions): Promise<RuleStateStore> {
  const { redisUrl, redis, prefix = 'rt', outboxMaxLen = QUEUE_DEFAULTS.maxLen } = options;
  if (redis && redisUrl) throw new TypeError('createStateStore: pass either redisUrl or redis, not both');
  if (redis) return new RedisStateStore({ redis, prefix, outboxMaxLen, ownsClient: false });
  if (redisUrl === undefined || redisUrl === '') return new MemoryStateStore(options.queue);
  const client = createRedis(redisUrl, {
    connectionName: 'defi-realtime:alert-state',
    logger: options.logger,
    lazyConnect: true,
  });
  try {
    await client.connect();
  } catch (cause) {
    await closeRedis(client);
    throw new Error(`createStateStore: cannot connect to Redis at ${redactRedisUrl(redisUrl)}`, { cause });
  }
  return new RedisStateStore({ redis: client, prefix, outboxMaxLen, ownsClient: true });
}
