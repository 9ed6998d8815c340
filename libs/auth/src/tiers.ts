import { z } from 'zod';
import { AuthError } from './errors';

/** The tiers, cheapest first. */
export const TIER_NAMES = ['free', 'pro', 'enterprise'] as const;
export const tierNameSchema = z.enum(TIER_NAMES);
export type TierName = z.infer<typeof tierNameSchema>;

// 0 is allowed everywhere and means "none" (e.g. a tier without alert rules).
const count = z.int().min(0);

/** What one tier may do (DESIGN section 3, "Limits per tier"). */
export const tierLimitsSchema = z.strictObject({
  /** Open WebSocket connections per API key, across all gateway nodes. */
  maxConnectionsPerKey: count,
  /** Channels one connection may be subscribed to at once. */
  maxChannelsPerConnection: count,
  /** subscribe/unsubscribe messages per connection per minute. */
  subscriptionChangesPerMinute: count,
  /** Inbound WebSocket messages per connection per minute. */
  messagesPerMinute: count,
  /** Query API requests per key per minute. */
  restRequestsPerMinute: count,
  /** Alert rules one owner may keep. */
  maxAlertRules: count,
});
export type TierLimits = Readonly<z.infer<typeof tierLimitsSchema>>;

export const tierTableSchema = z.strictObject({
  free: tierLimitsSchema,
  pro: tierLimitsSchema,
  enterprise: tierLimitsSchema,
});
export type TierTable = Readonly<Record<TierName, TierLimits>>;

/** An override: any tier, any field; what it leaves out keeps its default. */
export const tierOverridesSchema = z.strictObject({
  free: tierLimitsSchema.partial().optional(),
  pro: tierLimitsSchema.partial().optional(),
  enterprise: tierLimitsSchema.partial().optional(),
});
export type TierOverrides = z.input<typeof tierOverridesSchema>;

/** The defaults: each tier 10x the one below (DESIGN section 3 gives free and pro). */
export const DEFAULT_TIER_LIMITS: TierTable = freezeTable({
  free: {
    maxConnectionsPerKey: 10,
    maxChannelsPerConnection: 50,
    subscriptionChangesPerMinute: 10,
    messagesPerMinute: 1_000,
    restRequestsPerMinute: 60,
    maxAlertRules: 10,
  },
  pro: {
    maxConnectionsPerKey: 100,
    maxChannelsPerConnection: 500,
    subscriptionChangesPerMinute: 100,
    messagesPerMinute: 10_000,
    restRequestsPerMinute: 600,
    maxAlertRules: 100,
  },
  enterprise: {
    maxConnectionsPerKey: 1_000,
    maxChannelsPerConnection: 5_000,
    subscriptionChangesPerMinute: 1_000,
    messagesPerMinute: 100_000,
    restRequestsPerMinute: 6_000,
    maxAlertRules: 1_000,
  },
});

/** True when `value` names a tier. */
export function isTierName(value: unknown): value is TierName {
  return tierNameSchema.safeParse(value).success;
}

/**
 * The defaults with `overrides` merged in, frozen. `overrides` is an object or its JSON
 * text (as in `TIER_LIMITS='{"free":{"maxConnectionsPerKey":5}}'`); an empty string or
 * undefined gives the defaults. A bad override throws an AuthError (INVALID_TIER_LIMITS)
 * naming the field, e.g. `free.maxConnectionsPerKey: expected a whole number >= 0`.
 */
export function resolveTierLimits(overrides?: string | TierOverrides, source = 'tier limits'): TierTable {
  if (overrides === undefined || overrides === '') return DEFAULT_TIER_LIMITS;
  let input: unknown = overrides;
  if (typeof overrides === 'string') {
    try {
      input = JSON.parse(overrides);
    } catch (err) {
      throw new AuthError('INVALID_TIER_LIMITS', `Invalid ${source}: not JSON (${(err as Error).message})`, {
        cause: err,
      });
    }
  }
  const parsed = tierOverridesSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${describePath(issue)}: ${describeIssue(issue)}`);
    throw new AuthError('INVALID_TIER_LIMITS', `Invalid ${source}: ${problems.join('; ')}`, { cause: parsed.error });
  }
  const merged = Object.fromEntries(
    TIER_NAMES.map((tier) => [tier, { ...DEFAULT_TIER_LIMITS[tier], ...parsed.data[tier] }]),
  ) as Record<TierName, TierLimits>;
  return freezeTable(merged);
}

function describePath(issue: z.core.$ZodIssue): string {
  // An unknown key is reported on its parent; name the key itself, which is what is wrong.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
  return keys.map((key) => [...issue.path, ...(key === undefined ? [] : [key])].join('.') || '(root)').join(', ');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const level =
      issue.path.length === 0
        ? `a tier (${TIER_NAMES.join(', ')})`
        : `a limit (${Object.keys(tierLimitsSchema.shape).join(', ')})`;
    return `unknown, expected ${level}`;
  }
  if (issue.path.length === 2) return 'expected a whole number >= 0';
  return issue.message;
}

function freezeTable(table: Record<TierName, TierLimits>): TierTable {
  for (const tier of TIER_NAMES) Object.freeze(table[tier]);
  return Object.freeze(table);
}
