import type { AlertRuleType } from '@defi-realtime/protocol';
import type { QueueEntry } from '@defi-realtime/queue';
import type { StoredRule } from '../rules/stored-rule';
import { advance, isChangeType, percentChange } from './evaluate';
import { buildNotification } from './notify';
import { parseEntry, type EntryOutcome, type TargetObservation } from './observations';
import { priceTarget, tvlTarget, type ReferenceRequest, type ReferenceStore, type ReferenceTarget } from './references';
import type { RuleIndex } from './rule-index';
import type { RuleState } from './rule-state';
import type { RuleStateStore } from './state-store';

/** What one batch did (the worker turns it into metrics and logs). */
export interface BatchReport {
  /** Entries by outcome: `evaluated` (touched at least one rule), `no_rules`, or why skipped. */
  events: Record<EventOutcome, number>;
  /** Rule x observation evaluations actually made (not stale, with a reference). */
  ruleEvaluations: number;
  /** Notifications committed to the outbox, by rule type. */
  notifications: Partial<Record<AlertRuleType, number>>;
  /** Transitions another worker got to first (evaluated again). */
  conflicts: number;
}

export type EventOutcome = 'evaluated' | 'no_rules' | EntryOutcome;

/** Rules that see the same observations (one target, one chain split), oldest first. */
interface Group {
  rules: StoredRule[];
  observations: TargetObservation[];
  /** Where its change rules' references come from. */
  target: ReferenceTarget;
  /** Change rules: window ms -> the reference of each observation (null: too little history). */
  references?: Map<number, Array<number | null>>;
}

/** Where a rule moved over a batch's observations, and what it notified on the way. */
interface RuleOutcome {
  state: RuleState;
  notifications: string[];
}

/** A rule that moved from `state`: its transition is to be committed. */
interface Work {
  rule: StoredRule;
  group: Group;
  state: RuleState;
  result: RuleOutcome;
}

/** Compare-and-set attempts per rule before the batch fails (and is retried by a claim). */
const MAX_ATTEMPTS = 5;

export interface BatchEvaluatorDeps {
  index: RuleIndex;
  references: ReferenceStore;
  states: RuleStateStore;
}

/**
 * Evaluates one batch of the events stream: parse, group by target, look up window
 * references (one query per table), load the touched rules' states (one HMGET), evaluate
 * each rule over its observations in timestamp order, commit the transitions (retrying a
 * rule another worker moved meanwhile from its new state). Resolves once every
 * notification is on the outbox; then the batch may be acknowledged.
 */
export class BatchEvaluator {
  constructor(private readonly deps: BatchEvaluatorDeps) {}

  /** Evaluate and commit one batch; rejects (nothing acknowledged) when a commit cannot be made. */
  async run(entries: readonly QueueEntry[]): Promise<BatchReport> {
    const report: BatchReport = {
      events: { evaluated: 0, no_rules: 0, malformed: 0, unknown_type: 0, ignored_type: 0 },
      ruleEvaluations: 0,
      notifications: {},
      conflicts: 0,
    };
    const observations: TargetObservation[] = [];
    for (const entry of entries) {
      const parsed = parseEntry(entry.payload);
      if (parsed.ok) observations.push(parsed.observation);
      else report.events[parsed.outcome] += 1;
    }
    const { groups, touched } = this.plan(observations);
    report.events.evaluated += touched;
    report.events.no_rules += observations.length - touched;
    if (groups.length === 0) return report;

    await this.attachReferences(groups);
    const rules: StoredRule[] = [];
    for (const group of groups) for (const rule of group.rules) rules.push(rule);
    const states = await this.deps.states.load(rules);

    // First pass over every rule without allocating per rule; only rules that moved are kept.
    let work: Work[] = [];
    let i = 0;
    for (const group of groups) {
      for (const rule of group.rules) {
        const state = states[i++]!;
        const result = evaluateRule(rule, group, state, report);
        if (result) work.push({ rule, group, state, result });
      }
    }
    for (let attempt = 1; work.length > 0; attempt++) {
      const transitions = work.map(({ rule, state, result }) => ({
        rule,
        expectedVersion: state.version,
        state: { ...result.state, version: state.version + 1 },
        notifications: result.notifications,
      }));
      const outcomes = await this.deps.states.commit(transitions);
      const retry: Work[] = [];
      outcomes.forEach((outcome, k) => {
        const { rule, group, result } = work[k]!;
        if (outcome.ok) {
          const fired = result.notifications.length;
          if (fired > 0) report.notifications[rule.type] = (report.notifications[rule.type] ?? 0) + fired;
          return;
        }
        report.conflicts += 1;
        if (attempt >= MAX_ATTEMPTS) {
          throw new Error(
            `alert rule ${rule.id} kept changing under this worker (${MAX_ATTEMPTS} attempts); the batch will be retried`,
          );
        }
        // Evaluated again from the state the other worker left.
        const again = evaluateRule(rule, group, outcome.current, report);
        if (again) retry.push({ rule, group, state: outcome.current, result: again });
      });
      work = retry;
    }
    return report;
  }

  /** The groups of a batch, and how many observations touched at least one rule. */
  private plan(observations: TargetObservation[]): { groups: Group[]; touched: number } {
    const prices = new Map<string, TargetObservation[]>();
    const tvls = new Map<string, TargetObservation[]>();
    for (const o of observations) {
      const byId = o.kind === 'price' ? prices : tvls;
      const list = byId.get(o.id);
      if (list) list.push(o);
      else byId.set(o.id, [o]);
    }
    const groups: Group[] = [];
    const touched = new Set<TargetObservation>();
    const add = (rules: StoredRule[] | undefined, list: TargetObservation[] | undefined, target: ReferenceTarget) => {
      if (!rules || rules.length === 0 || !list || list.length === 0) return;
      for (const o of list) touched.add(o);
      groups.push({ rules, observations: list, target });
    };
    for (const [tokenId, list] of prices) {
      const rules = this.deps.index.tokenRules(tokenId);
      if (!rules) continue;
      byTime(list);
      // price_points has no chain: a token's references are the same for every chain.
      const target = priceTarget(tokenId);
      add(rules.anyChain, list, target);
      if (rules.byChain.size > 0)
        for (const [chain, part] of byChain(list)) if (chain !== undefined) add(rules.byChain.get(chain), part, target);
    }
    for (const [protocolId, list] of tvls) {
      const rules = this.deps.index.protocolRules(protocolId);
      if (!rules) continue;
      byTime(list);
      for (const [chain, part] of byChain(list)) {
        add(chain === undefined ? rules.total : rules.byChain.get(chain), part, tvlTarget(protocolId, chain));
      }
    }
    return { groups, touched: touched.size };
  }

  /** Look up the references of every group's change rules (one round trip for all misses). */
  private async attachReferences(groups: Group[]): Promise<void> {
    const requests: ReferenceRequest[] = [];
    const owners: Group[] = [];
    for (const group of groups) {
      let windows: Set<number> | undefined;
      for (const rule of group.rules) {
        if (isChangeType(rule.type) && rule.windowMs !== null) (windows ??= new Set()).add(rule.windowMs);
      }
      if (!windows) continue;
      const times = group.observations.map((o) => o.ts);
      for (const windowMs of windows) {
        requests.push({ target: group.target, windowMs, times });
        owners.push(group);
      }
    }
    if (requests.length === 0) return;
    const answers = await this.deps.references.resolve(requests);
    answers.forEach((refs, k) => {
      const group = owners[k]!;
      (group.references ??= new Map()).set(requests[k]!.windowMs, refs);
    });
  }
}

/**
 * Evaluate one rule over its group's observations from `start`, counting evaluations in
 * `counts`; undefined when the rule did not move (most rules, most batches: no allocation).
 */
function evaluateRule(
  rule: StoredRule,
  group: Group,
  start: RuleState,
  counts: { ruleEvaluations: number },
): RuleOutcome | undefined {
  const { observations } = group;
  const references = rule.windowMs === null ? undefined : group.references?.get(rule.windowMs);
  const change = isChangeType(rule.type);
  let state = start;
  let notifications: string[] | undefined;
  for (let i = 0; i < observations.length; i++) {
    const o = observations[i]!;
    if (o.ts <= state.lastTs) continue; // redelivered or out of order
    const measured = change ? percentChange(o.value, references?.[i]) : o.value;
    if (measured === undefined) continue; // no reference: history too short
    counts.ruleEvaluations += 1;
    const next = advance(rule, state, o.ts, measured);
    if (next === state) continue;
    if (next.crossings > state.crossings) {
      (notifications ??= []).push(
        JSON.stringify(buildNotification(rule, { measured, ts: o.ts }, { eventId: o.eventId, label: o.label })),
      );
    }
    state = next;
  }
  return state === start ? undefined : { state, notifications: notifications ?? NONE };
}

const NONE: string[] = [];

/** Oldest first; equal times keep stream order (sort is stable). */
function byTime(list: TargetObservation[]): void {
  list.sort((a, b) => a.ts - b.ts);
}

/** Observations split by chain (undefined: no chain), keeping their order. */
function byChain(list: TargetObservation[]): Map<string | undefined, TargetObservation[]> {
  const split = new Map<string | undefined, TargetObservation[]>();
  for (const o of list) {
    const part = split.get(o.chain);
    if (part) part.push(o);
    else split.set(o.chain, [o]);
  }
  return split;
}
