import { z } from 'zod';
import { ChainSchema, ProtocolIdSchema, TokenIdSchema } from './ids';
import { type Validated, validate } from './issues';

// Alert rules as users create them through the alert engine's API (DESIGN section 7).
// Which target and whether a window is needed depend on the rule's type; the create
// schema is a union on `type` so each form states exactly what it takes, and every
// mistake is reported at the field that is wrong (`target.tokenId`, `window`).

export const PRICE_RULE_TYPES = ['price_above', 'price_below', 'price_change_pct'] as const;
export const TVL_RULE_TYPES = ['tvl_above', 'tvl_below', 'tvl_change_pct'] as const;
export const ALERT_RULE_TYPES = [...PRICE_RULE_TYPES, ...TVL_RULE_TYPES] as const;
export const AlertRuleTypeSchema = z.enum(ALERT_RULE_TYPES);
export type AlertRuleType = z.infer<typeof AlertRuleTypeSchema>;

/** The windows a *_change_pct rule measures over. */
export const ALERT_WINDOWS_MS = Object.freeze({ '5m': 300_000, '1h': 3_600_000, '24h': 86_400_000 });
export const AlertWindowSchema = z.enum(['5m', '1h', '24h']);
export type AlertWindow = z.infer<typeof AlertWindowSchema>;

export const AlertPrioritySchema = z.enum(['low', 'normal', 'high', 'critical']);
export type AlertPriority = z.infer<typeof AlertPrioritySchema>;

/**
 * Where a notification goes. Any http(s) host is accepted here, IP literals and
 * `localhost` included: whether an address may be called is the delivery's SSRF guard's
 * decision, made at connect time (WEBHOOK_ALLOW_PRIVATE), since DNS answers change.
 */
export const DeliveryChannelSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('websocket') }),
  z.strictObject({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }).max(2048),
  }),
  z.strictObject({ type: z.literal('email'), to: z.email().max(254) }),
]);
export type DeliveryChannel = z.infer<typeof DeliveryChannelSchema>;

/** What each field defaults to when a rule is created without it. */
export const ALERT_RULE_DEFAULTS = Object.freeze({
  /** Minimum seconds between two notifications of one rule. */
  cooldownSec: 300,
  /** How far (percent of the threshold) the value must move back before the rule fires again. */
  rearmPct: 0.5,
  priority: 'normal' as AlertPriority,
  enabled: true,
});

const fields = {
  name: z.string().trim().min(1).max(100).optional(),
  threshold: z.number(),
  cooldownSec: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400),
  rearmPct: z.number().min(0).max(100),
  channels: z.array(DeliveryChannelSchema).min(1).max(5),
  priority: AlertPrioritySchema,
  enabled: z.boolean(),
};

const withDefaults = {
  name: fields.name,
  cooldownSec: fields.cooldownSec.default(ALERT_RULE_DEFAULTS.cooldownSec),
  rearmPct: fields.rearmPct.default(ALERT_RULE_DEFAULTS.rearmPct),
  channels: fields.channels,
  priority: fields.priority.default(ALERT_RULE_DEFAULTS.priority),
  enabled: fields.enabled.default(ALERT_RULE_DEFAULTS.enabled),
};

// `z.undefined` rather than leaving the key out: the error then names the field and
// says why, instead of a bare "unknown field".
const notForPrice = z.undefined({ error: 'price rules target a tokenId, not a protocolId' });
const notForTvl = z.undefined({ error: 'tvl rules target a protocolId, not a tokenId' });
const noWindow = z.undefined({ error: 'only *_change_pct rules take a window' });
const windowRequired = z.enum(AlertWindowSchema.options, {
  error: (issue) => (issue.input === undefined ? "required for *_change_pct rules: '5m', '1h' or '24h'" : undefined),
});

export const PriceTargetSchema = z.strictObject({
  tokenId: TokenIdSchema,
  chain: ChainSchema.optional(),
  protocolId: notForPrice.optional(),
});
export const TvlTargetSchema = z.strictObject({
  protocolId: ProtocolIdSchema,
  chain: ChainSchema.optional(),
  tokenId: notForTvl.optional(),
});

/** Above/below: a price or a TVL in USD, never negative. */
const levelThreshold = fields.threshold.nonnegative();
/** Signed percent: +5 fires on a rise of 5 % or more, -5 on a fall of 5 % or more. */
const changeThreshold = fields.threshold.refine((value) => value !== 0, {
  error: 'a signed percent, not 0: +5 fires on a rise of 5 % or more, -5 on a fall',
});

export const CreateAlertRuleSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['price_above', 'price_below']),
    target: PriceTargetSchema,
    threshold: levelThreshold,
    window: noWindow.optional(),
    ...withDefaults,
  }),
  z.strictObject({
    type: z.literal('price_change_pct'),
    target: PriceTargetSchema,
    threshold: changeThreshold,
    window: windowRequired,
    ...withDefaults,
  }),
  z.strictObject({
    type: z.enum(['tvl_above', 'tvl_below']),
    target: TvlTargetSchema,
    threshold: levelThreshold,
    window: noWindow.optional(),
    ...withDefaults,
  }),
  z.strictObject({
    type: z.literal('tvl_change_pct'),
    target: TvlTargetSchema,
    threshold: changeThreshold,
    window: windowRequired,
    ...withDefaults,
  }),
]);
/** A rule as stored: defaults filled in. */
export type CreateAlertRule = z.infer<typeof CreateAlertRuleSchema>;
/** A rule as a user may send it: defaulted fields optional. */
export type CreateAlertRuleInput = z.input<typeof CreateAlertRuleSchema>;

/**
 * A partial update, merge-patch style: fields present replace the stored ones (`target`
 * as a whole), `window: null` removes the window. Checks that need both sides run when
 * both are present; apply it with `applyAlertRuleUpdate`, which checks the result whole.
 */
export const UpdateAlertRuleSchema = z
  .strictObject({
    type: AlertRuleTypeSchema.optional(),
    target: z
      .strictObject({
        tokenId: TokenIdSchema.optional(),
        protocolId: ProtocolIdSchema.optional(),
        chain: ChainSchema.optional(),
      })
      .optional(),
    threshold: fields.threshold.optional(),
    window: AlertWindowSchema.nullable().optional(),
    name: fields.name,
    cooldownSec: fields.cooldownSec.optional(),
    rearmPct: fields.rearmPct.optional(),
    channels: fields.channels.optional(),
    priority: fields.priority.optional(),
    enabled: fields.enabled.optional(),
  })
  .superRefine((update, ctx) => {
    if (Object.keys(update).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'an update needs at least one field' });
      return;
    }
    const { type, target, window } = update;
    if (type === undefined) return;
    const isPrice = isPriceRule(type);
    if (target?.protocolId !== undefined && isPrice) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'protocolId'],
        message: 'price rules target a tokenId, not a protocolId',
      });
    }
    if (target?.tokenId !== undefined && !isPrice) {
      ctx.addIssue({
        code: 'custom',
        path: ['target', 'tokenId'],
        message: 'tvl rules target a protocolId, not a tokenId',
      });
    }
    if (typeof window === 'string' && !isChangeRule(type)) {
      ctx.addIssue({ code: 'custom', path: ['window'], message: 'only *_change_pct rules take a window' });
    }
    if (window === null && isChangeRule(type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['window'],
        message: "required for *_change_pct rules: '5m', '1h' or '24h'",
      });
    }
  });
export type UpdateAlertRule = z.infer<typeof UpdateAlertRuleSchema>;

/** True for the rule types that watch a token's price. */
export function isPriceRule(type: AlertRuleType): boolean {
  return (PRICE_RULE_TYPES as readonly string[]).includes(type);
}

/** True for the rule types that need a window. */
export function isChangeRule(type: AlertRuleType): type is 'price_change_pct' | 'tvl_change_pct' {
  return type === 'price_change_pct' || type === 'tvl_change_pct';
}

/** Applies a (validated) update to a stored rule and checks the result as a whole rule. */
export function applyAlertRuleUpdate(rule: CreateAlertRule, update: UpdateAlertRule): Validated<CreateAlertRule> {
  const { window, ...rest } = update;
  const merged: Record<string, unknown> = { ...rule, ...rest };
  if (window === null) delete merged['window'];
  else if (window !== undefined) merged['window'] = window;
  return validate(CreateAlertRuleSchema, merged);
}
