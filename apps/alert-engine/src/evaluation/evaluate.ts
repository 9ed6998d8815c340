import type { StoredRule } from '../rules/stored-rule';
import type { RuleState } from './rule-state';

/** What the evaluator needs of a rule. */
export type EvaluatedRule = Pick<StoredRule, 'type' | 'threshold' | 'cooldownSec' | 'rearmPct'>;

/** One observation of a rule's target: a price or a TVL at a time. */
export interface Observation {
  /** When the value was observed (ms); the event data's timestamp. */
  ts: number;
  /** The price (USD) or TVL (USD). */
  value: number;
  /**
   * *_change_pct rules only: the value at or before `ts - window`. Undefined or null
   * (history too short) leaves the rule unevaluated.
   */
  reference?: number | null;
}

/** A crossing that notifies. */
export interface Fire {
  /** The measured quantity that crossed: the value, or the percent change for *_change_pct. */
  measured: number;
  ts: number;
}

/** Why an observation was not evaluated. */
export type SkipReason = 'stale' | 'no-reference';

export interface EvaluationResult {
  /** The next state: the same object as the input when nothing changed. */
  state: RuleState;
  fire?: Fire;
  skipped?: SkipReason;
}

/**
 * True when the rule fires on a rising value: *_above, and *_change_pct with a positive
 * threshold. Falling rules (*_below, negative change) mirror every comparison.
 */
export function isRising(rule: Pick<EvaluatedRule, 'type' | 'threshold'>): boolean {
  if (rule.type === 'price_above' || rule.type === 'tvl_above') return true;
  if (rule.type === 'price_below' || rule.type === 'tvl_below') return false;
  return rule.threshold > 0;
}

/** True for rules that measure a percent change over a window. */
export function isChangeType(type: EvaluatedRule['type']): boolean {
  return type === 'price_change_pct' || type === 'tvl_change_pct';
}

/**
 * The quantity a rule compares with its threshold: the value itself, or for *_change_pct
 * the percent change from the reference; undefined when there is no usable reference.
 */
export function measure(rule: Pick<EvaluatedRule, 'type'>, observation: Observation): number | undefined {
  return isChangeType(rule.type) ? percentChange(observation.value, observation.reference) : observation.value;
}

/** Percent change from `reference` to `value`; undefined without a reference above 0 (no percent change from nothing). */
export function percentChange(value: number, reference: number | null | undefined): number | undefined {
  if (reference === undefined || reference === null || !(reference > 0)) return undefined;
  return ((value - reference) / reference) * 100;
}

/**
 * The state after one measured observation at `ts` (pure; the batch's hot path, which
 * allocates only on a transition): the same object when nothing changes; a fire is
 * `next.crossings > state.crossings`.
 */
export function advance(rule: EvaluatedRule, state: RuleState, ts: number, measured: number): RuleState {
  if (ts <= state.lastTs) return state;
  const rising = isRising(rule);
  const { threshold } = rule;
  if (state.status === 'fired') {
    const margin = (Math.abs(threshold) * rule.rearmPct) / 100;
    const rearmed = rising ? measured <= threshold - margin : measured >= threshold + margin;
    return rearmed ? { ...state, status: 'armed', lastTs: ts } : state;
  }
  const holds = rising ? measured >= threshold : measured <= threshold;
  if (!holds) return state;
  if (state.lastFiredAt !== null && ts < state.lastFiredAt + rule.cooldownSec * 1000) return state;
  return { ...state, status: 'fired', lastFiredAt: ts, crossings: state.crossings + 1, lastTs: ts };
}

/**
 * Evaluate one observation (pure). `armed` + condition true + cooldown over -> fire and
 * become `fired`; `fired` + value back past the threshold by `rearmPct` % of |threshold|
 * -> `armed`. At most one transition per observation; observations not newer than the
 * last transition are ignored (redelivered or out of order).
 */
export function evaluate(rule: EvaluatedRule, state: RuleState, observation: Observation): EvaluationResult {
  const { ts } = observation;
  if (ts <= state.lastTs) return { state, skipped: 'stale' };
  const measured = measure(rule, observation);
  if (measured === undefined) return { state, skipped: 'no-reference' };
  const next = advance(rule, state, ts, measured);
  return next.crossings > state.crossings ? { state: next, fire: { measured, ts } } : { state: next };
}
