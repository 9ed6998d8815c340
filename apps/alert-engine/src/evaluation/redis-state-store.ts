import { QUEUE_DEFAULTS, STREAMS } from '@defi-realtime/queue';
import {
  ScriptErrorCode,
  closeRedis,
  createKeys,
  loadScripts,
  scriptErrorName,
  type RedisClient,
  type ScriptRunner,
} from '@defi-realtime/redis';
import { INITIAL_STATE, parseRuleState, type RuleState } from './rule-state';
import type { CommitResult, RuleRef, RuleStateStore, Transition } from './state-store';

export interface RedisStateStoreOptions {
  redis: RedisClient;
  /** Close `redis` in `close()`. @default false */
  ownsClient?: boolean;
  /** The queue's key prefix. @default 'rt' */
  prefix?: string;
  /** Outbox MAXLEN ~. @default 1_000_000 (QUEUE_DEFAULTS.maxLen) */
  outboxMaxLen?: number;
}

/** The hash field counting commits (rule ids are UUIDs: no clash). */
const GENERATION = '~generation';
/** Fields per HMGET / HDEL. */
const READ_CHUNK = 10_000;

/**
 * Rule states in one Redis hash (field = rule id, value = JSON), a companion of the outbox
 * stream (same hash tag): `commitAlertTransition` checks the version, writes the state and
 * XADDs the notifications in one atomic step.
 *
 * Reading every touched rule's state each batch would cost more than evaluating it (a
 * batch of 500 events touches tens of thousands of rules). So the store remembers what it
 * read and committed, together with the hash's commit counter (`~generation`): while the
 * counter has moved only by this store's own commits, nobody else changed any state and
 * the remembered states are current; then a batch's HMGET asks only for the counter and
 * the rules never read before. Once another worker commits, everything is read again.
 * Use one store per worker.
 */
export class RedisStateStore implements RuleStateStore {
  private readonly redis: RedisClient;
  private readonly stateKey: string;
  private readonly outboxKey: string;
  private readonly outboxMaxLen: number;
  private readonly run: ScriptRunner;
  /** Per rule object: an updated rule is a new object, read afresh. */
  private known = new WeakMap<RuleRef, RuleState>();
  /** The generation `known` is current for; undefined: nothing is known. */
  private generation: number | undefined;

  constructor(private readonly options: RedisStateStoreOptions) {
    this.redis = options.redis;
    const keys = createKeys(options.prefix ?? 'rt');
    this.stateKey = keys.alertRuleState(STREAMS.outbox);
    this.outboxKey = keys.stream(STREAMS.outbox);
    this.outboxMaxLen = options.outboxMaxLen ?? QUEUE_DEFAULTS.maxLen;
    if (!(Number.isSafeInteger(this.outboxMaxLen) && this.outboxMaxLen >= 1)) {
      throw new TypeError(`Invalid outboxMaxLen option ${String(options.outboxMaxLen)}: expected a whole number >= 1`);
    }
    this.run = loadScripts(this.redis);
  }

  async load(rules: readonly RuleRef[]): Promise<RuleState[]> {
    if (rules.length === 0) return [];
    // One pass: what is known (while the generation holds), and which rules to read.
    const states: Array<RuleState | undefined> = new Array(rules.length);
    let unknown: number[] = [];
    for (let i = 0; i < rules.length; i++) {
      const state = this.generation === undefined ? undefined : this.known.get(rules[i]!);
      if (state === undefined) unknown.push(i);
      else states[i] = state;
    }
    let [generation, values] = await this.read(unknown.map((i) => rules[i]!.id));
    if (generation !== this.generation) {
      // Another worker committed since: nothing remembered can be trusted.
      this.known = new WeakMap();
      if (unknown.length !== rules.length) {
        unknown = rules.map((_, i) => i);
        [generation, values] = await this.read(rules.map((r) => r.id));
      }
      this.generation = generation;
    }
    unknown.forEach((at, k) => {
      const rule = rules[at]!;
      const text = values[k];
      const state = text === null || text === undefined ? INITIAL_STATE : parseRuleState(rule.id, text);
      this.known.set(rule, state);
      states[at] = state;
    });
    return states as RuleState[];
  }

  async commit(transitions: readonly Transition[]): Promise<CommitResult[]> {
    // Issued in one tick: ioredis sends them as one pipeline.
    const replies = await Promise.all(
      transitions.map((t) =>
        this.run(
          'commitAlertTransition',
          [this.stateKey, this.outboxKey],
          [t.rule.id, t.expectedVersion, JSON.stringify(t.state), this.outboxMaxLen, ...t.notifications],
        ),
      ),
    );
    const generations: number[] = [];
    const results = replies.map((reply, i): CommitResult => {
      const t = transitions[i]!;
      const [code, value] = reply as [number, string | number | null];
      if (code === 1) {
        generations.push(Number(value));
        this.known.set(t.rule, t.state);
        return { ok: true };
      }
      if (code !== ScriptErrorCode.AlertStateConflict) {
        throw new Error(`commitAlertTransition answered ${scriptErrorName(code)} for rule ${t.rule.id}`);
      }
      return { ok: false, current: value === null ? INITIAL_STATE : parseRuleState(t.rule.id, String(value)) };
    });
    this.generation = onlyOurs(this.generation, generations, results.length)
      ? this.generation! + generations.length
      : undefined;
    return results;
  }

  async delete(ruleIds: readonly string[]): Promise<void> {
    if (ruleIds.length === 0) return;
    // Deletes are rare: forget everything rather than track rule objects by id.
    this.known = new WeakMap();
    this.generation = undefined;
    for (let i = 0; i < ruleIds.length; i += READ_CHUNK)
      await this.redis.hdel(this.stateKey, ...ruleIds.slice(i, i + READ_CHUNK));
  }

  async close(): Promise<void> {
    this.known = new WeakMap();
    if (this.options.ownsClient) await closeRedis(this.redis);
  }

  /**
   * The generation and these rules' stored states, as one snapshot: one HMGET, or for
   * many rules several in one MULTI (one command with 100,000 arguments would overflow
   * the client's stack).
   */
  private async read(ruleIds: readonly string[]): Promise<[number, Array<string | null>]> {
    if (ruleIds.length < READ_CHUNK) {
      const values = await this.redis.hmget(this.stateKey, GENERATION, ...ruleIds);
      return [Number(values[0] ?? 0), values.slice(1)];
    }
    const multi = this.redis.multi();
    multi.hget(this.stateKey, GENERATION);
    for (let i = 0; i < ruleIds.length; i += READ_CHUNK)
      multi.hmget(this.stateKey, ...ruleIds.slice(i, i + READ_CHUNK));
    const replies = await multi.exec();
    if (!replies) throw new Error(`Reading alert rule states from ${this.stateKey} was aborted`);
    const values: Array<string | null> = [];
    for (const [err, reply] of replies.slice(1)) {
      if (err) throw err;
      for (const value of reply as Array<string | null>) values.push(value);
    }
    const [err, generation] = replies[0]!;
    if (err) throw err;
    return [Number(generation ?? 0), values];
  }
}

/**
 * True when every transition committed and the generations they got are exactly the ones
 * after `from`: no other worker's commit came in between, so what this store knows is current.
 */
function onlyOurs(from: number | undefined, generations: number[], transitions: number): boolean {
  if (from === undefined || generations.length !== transitions) return false;
  const sorted = [...generations].sort((a, b) => a - b);
  return sorted.every((g, i) => g === from + i + 1);
}
