import { z } from 'zod';

/**
 * Where a rule stands between events. `armed`: the next crossing (after the cooldown)
 * fires. `fired`: it fired and waits for the value to move back past the threshold by
 * `rearmPct` before it can fire again (hysteresis).
 */
export const RuleStatusSchema = z.enum(['armed', 'fired']);
export type RuleStatus = z.infer<typeof RuleStatusSchema>;

/**
 * One rule's evaluation state, as stored (JSON in the rule-state hash). Validated when
 * read back: another process wrote it.
 */
export const RuleStateSchema = z.object({
  status: RuleStatusSchema,
  /** Timestamp (ms) of the observation that last fired the rule; null before the first fire. */
  lastFiredAt: z.number().int().nullable(),
  /** How many times the rule fired. */
  crossings: z.number().int().nonnegative(),
  /** Timestamp (ms) of the observation that made the last transition; older or equal ones are ignored. */
  lastTs: z.number().int().nonnegative(),
  /** Bumped by every committed transition: the compare-and-set token between workers. */
  version: z.number().int().nonnegative(),
});
export type RuleState = z.infer<typeof RuleStateSchema>;

/** The state of a rule that never fired. It is not stored: an absent entry means this. */
export const INITIAL_STATE: Readonly<RuleState> = Object.freeze({
  status: 'armed',
  lastFiredAt: null,
  crossings: 0,
  lastTs: 0,
  version: 0,
});

/** True when `state` holds nothing beyond the initial state (so storing it would waste memory). */
export function isInitialState(state: RuleState): boolean {
  return state.status === 'armed' && state.lastFiredAt === null && state.crossings === 0 && state.lastTs === 0;
}

/** Parse a stored state; throws an Error naming the rule when the stored text is not a state. */
export function parseRuleState(ruleId: string, text: string): RuleState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new Error(`Stored state of rule ${ruleId} is not JSON: ${text.slice(0, 80)}`, { cause });
  }
  // Hot path (every batch reads thousands): a plain check; zod only to word the error.
  if (isRuleState(json)) return json;
  const result = RuleStateSchema.safeParse(json);
  if (!result.success) {
    throw new Error(`Stored state of rule ${ruleId} is invalid: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** RuleStateSchema's checks, without allocating. */
function isRuleState(value: unknown): value is RuleState {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    (v.status === 'armed' || v.status === 'fired') &&
    (v.lastFiredAt === null || Number.isSafeInteger(v.lastFiredAt)) &&
    isCount(v.crossings) &&
    isCount(v.lastTs) &&
    isCount(v.version)
  );
}
