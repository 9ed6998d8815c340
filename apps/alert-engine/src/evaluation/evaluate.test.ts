import type { AlertRuleType } from '@defi-realtime/protocol';
import { evaluate, isRising, measure, type EvaluatedRule, type Observation } from './evaluate';
import { INITIAL_STATE, type RuleState } from './rule-state';

/**
 * One scenario per rule type, in the rule's own terms: a value that does not meet the
 * condition, one that crosses, one back past the threshold but not by rearmPct (0.5 %
 * of |threshold|), and one back far enough to re-arm.
 */
interface Scenario {
  type: AlertRuleType;
  threshold: number;
  reference?: number;
  calm: number;
  cross: number;
  near: number;
  rearm: number;
}

const SCENARIOS: Scenario[] = [
  // Re-arm at <= 4,000 - 20.
  { type: 'price_above', threshold: 4000, calm: 3900, cross: 4012.5, near: 3990, rearm: 3975 },
  // Re-arm at >= 1,500 + 7.5.
  { type: 'price_below', threshold: 1500, calm: 1600, cross: 1490, near: 1505, rearm: 1510 },
  // +5 % over the window from 100; re-arm at <= +4.975 %.
  { type: 'price_change_pct', threshold: 5, reference: 100, calm: 102, cross: 105.5, near: 104.99, rearm: 104.9 },
  // Re-arm at <= 1e9 - 5e6.
  { type: 'tvl_above', threshold: 1e9, calm: 0.9e9, cross: 1.01e9, near: 0.999e9, rearm: 0.99e9 },
  // Re-arm at >= 2e8 + 1e6.
  { type: 'tvl_below', threshold: 2e8, calm: 3e8, cross: 1.9e8, near: 2.005e8, rearm: 2.02e8 },
  // -10 % over the window from 1,000; re-arm at >= -9.95 %.
  { type: 'tvl_change_pct', threshold: -10, reference: 1000, calm: 950, cross: 890, near: 900.2, rearm: 901 },
];

const MINUTE = 60_000;
/** Observations carry real epoch milliseconds; the scenarios count from here. */
const T0 = Date.UTC(2025, 0, 1);

function ruleOf(s: Scenario, overrides: Partial<EvaluatedRule> = {}): EvaluatedRule {
  return { type: s.type, threshold: s.threshold, cooldownSec: 600, rearmPct: 0.5, ...overrides };
}

/** Run observations through the evaluator; the timestamps of the fires and the last state. */
function run(
  rule: EvaluatedRule,
  steps: Array<[ts: number, value: number]>,
  reference?: number,
  start: RuleState = INITIAL_STATE,
) {
  let state = start;
  const fires: number[] = [];
  for (const [ts, value] of steps) {
    const observation: Observation = { ts: T0 + ts, value, ...(reference === undefined ? {} : { reference }) };
    const result = evaluate(rule, state, observation);
    if (result.fire) fires.push(result.fire.ts - T0);
    state = result.state;
  }
  return { fires, state };
}

describe.each(SCENARIOS)('$type', (s) => {
  it('fires once at the crossing and stays quiet while the value stays past the threshold', () => {
    const { fires, state } = run(
      ruleOf(s),
      [
        [1_000, s.calm],
        [2_000, s.cross],
        [3_000, s.cross],
        [4_000, s.cross],
      ],
      s.reference,
    );
    expect(fires).toEqual([2_000]);
    expect(state).toEqual({ status: 'fired', lastFiredAt: T0 + 2_000, crossings: 1, lastTs: T0 + 2_000, version: 0 });
  });

  it('reports the measured quantity that crossed', () => {
    const result = evaluate(ruleOf(s), INITIAL_STATE, { ts: 5, value: s.cross, reference: s.reference });
    const expected = s.reference === undefined ? s.cross : ((s.cross - s.reference) / s.reference) * 100;
    expect(result.fire).toEqual({ measured: expected, ts: 5 });
  });

  it('does not fire again inside the cooldown, even re-armed, and fires on the first event after it', () => {
    const rule = ruleOf(s, { cooldownSec: 600 });
    const { fires, state } = run(
      rule,
      [
        [0, s.cross], // fires
        [1 * MINUTE, s.rearm], // re-arms
        [2 * MINUTE, s.cross], // inside the 10 min cooldown: nothing
        [9 * MINUTE, s.cross], // still inside
        [10 * MINUTE - 1, s.cross], // 1 ms before the end: still nothing
        [10 * MINUTE, s.cross], // the first event after the cooldown fires
        [11 * MINUTE, s.cross],
      ],
      s.reference,
    );
    expect(fires).toEqual([0, 10 * MINUTE]);
    expect(state.crossings).toBe(2);
  });

  it('re-arms only once the value went back past the threshold by rearmPct (hysteresis)', () => {
    const rule = ruleOf(s, { cooldownSec: 0 });
    const { fires } = run(
      rule,
      [
        [1, s.cross], // fires
        [2, s.near], // back past the threshold, not by 0.5 %: still fired
        [3, s.cross], // no second fire
        [4, s.near],
        [5, s.rearm], // far enough back: armed
        [6, s.calm],
        [7, s.cross], // fires again
      ],
      s.reference,
    );
    expect(fires).toEqual([1, 7]);
  });

  it('ignores observations that are not newer than the last transition', () => {
    const rule = ruleOf(s, { cooldownSec: 0 });
    const fired = evaluate(rule, INITIAL_STATE, { ts: 100, value: s.cross, reference: s.reference });
    expect(fired.fire).toBeDefined();
    // The same event again (redelivered) and an older one re-arming: both ignored.
    expect(evaluate(rule, fired.state, { ts: 100, value: s.cross, reference: s.reference })).toEqual({
      state: fired.state,
      skipped: 'stale',
    });
    expect(evaluate(rule, fired.state, { ts: 50, value: s.rearm, reference: s.reference })).toEqual({
      state: fired.state,
      skipped: 'stale',
    });
    expect(evaluate(rule, fired.state, { ts: 101, value: s.rearm, reference: s.reference }).state.status).toBe('armed');
  });
});

describe('evaluate', () => {
  const above: EvaluatedRule = { type: 'price_above', threshold: 4000, cooldownSec: 0, rearmPct: 1 };
  const below: EvaluatedRule = { type: 'price_below', threshold: 4000, cooldownSec: 0, rearmPct: 1 };

  it('fires at exactly the threshold (>= for rising rules, <= for falling ones)', () => {
    expect(evaluate(above, INITIAL_STATE, { ts: 1, value: 4000 }).fire).toBeDefined();
    expect(evaluate(above, INITIAL_STATE, { ts: 1, value: 3999.99 }).fire).toBeUndefined();
    expect(evaluate(below, INITIAL_STATE, { ts: 1, value: 4000 }).fire).toBeDefined();
    expect(evaluate(below, INITIAL_STATE, { ts: 1, value: 4000.01 }).fire).toBeUndefined();
  });

  it('re-arms at exactly threshold -/+ rearmPct % of it', () => {
    const fired: RuleState = { ...INITIAL_STATE, status: 'fired', lastFiredAt: 1, crossings: 1, lastTs: 1 };
    expect(evaluate(above, fired, { ts: 2, value: 3960 }).state.status).toBe('armed');
    expect(evaluate(above, fired, { ts: 2, value: 3960.01 }).state.status).toBe('fired');
    expect(evaluate(below, fired, { ts: 2, value: 4040 }).state.status).toBe('armed');
    expect(evaluate(below, fired, { ts: 2, value: 4039.99 }).state.status).toBe('fired');
  });

  it('with rearmPct 0 re-arms as soon as the value is back at the threshold, one transition per observation', () => {
    const rule = { ...above, rearmPct: 0 };
    const { fires, state } = run(rule, [
      [1, 4001],
      [2, 4000],
      [3, 4000],
      [4, 3999],
    ]);
    // 1 fires, 2 re-arms (4000 <= 4000), 3 fires again (4000 >= 4000, cooldown 0), 4 re-arms.
    expect(fires).toEqual([1, 3]);
    expect(state.status).toBe('armed');
  });

  it('measures a change against the reference and skips without a usable one', () => {
    const rule: EvaluatedRule = { type: 'price_change_pct', threshold: -5, cooldownSec: 0, rearmPct: 0 };
    expect(measure(rule, { ts: 1, value: 90, reference: 100 })).toBeCloseTo(-10);
    expect(evaluate(rule, INITIAL_STATE, { ts: 1, value: 90 })).toEqual({
      state: INITIAL_STATE,
      skipped: 'no-reference',
    });
    expect(evaluate(rule, INITIAL_STATE, { ts: 1, value: 90, reference: null })).toEqual({
      state: INITIAL_STATE,
      skipped: 'no-reference',
    });
    expect(evaluate(rule, INITIAL_STATE, { ts: 1, value: 90, reference: 0 }).skipped).toBe('no-reference');
    expect(evaluate(rule, INITIAL_STATE, { ts: 1, value: 90, reference: 100 }).fire?.measured).toBeCloseTo(-10);
    // A level rule ignores any reference.
    expect(measure(above, { ts: 1, value: 4100, reference: 1 })).toBe(4100);
  });

  it('knows which way each rule points', () => {
    expect(isRising({ type: 'tvl_above', threshold: 0 })).toBe(true);
    expect(isRising({ type: 'tvl_below', threshold: 5 })).toBe(false);
    expect(isRising({ type: 'price_change_pct', threshold: 3 })).toBe(true);
    expect(isRising({ type: 'tvl_change_pct', threshold: -3 })).toBe(false);
  });

  it('is pure: the input state is never changed, an unchanged state comes back as the same object', () => {
    const state: RuleState = Object.freeze({ ...INITIAL_STATE, version: 7 });
    const quiet = evaluate(above, state, { ts: 1, value: 10 });
    expect(quiet.state).toBe(state);
    const fired = evaluate(above, state, { ts: 2, value: 5000 });
    expect(fired.state).toEqual({ status: 'fired', lastFiredAt: 2, crossings: 1, lastTs: 2, version: 7 });
    expect(state).toEqual({ ...INITIAL_STATE, version: 7 });
  });

  it('keeps the cooldown from the last fire when a rule stays armed past the threshold', () => {
    // Re-armed inside the cooldown and still past the threshold when it ends: fires then.
    const rule = { ...above, cooldownSec: 60 };
    const { fires } = run(rule, [
      [0, 4100],
      [10_000, 3900],
      [20_000, 4100],
      [59_999, 4100],
      [60_000, 4100],
    ]);
    expect(fires).toEqual([0, 60_000]);
  });
});
