import { z } from 'zod';
import { AlertPrioritySchema, AlertRuleTypeSchema, AlertWindowSchema } from '@defi-realtime/protocol';
import type { StoredChannel, StoredRule } from './stored-rule';
import { secretPrefix } from './webhook-secrets';

// What the API answers for a rule. The stored form differs in two ways a client must
// never see: webhook secrets (shown once, when made) and the columns' spelling.

export const RuleChannelViewSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('websocket') }),
  z.object({
    type: z.literal('webhook'),
    url: z.string(),
    /** The first 10 characters of the signing secret, to tell secrets apart. */
    secretPrefix: z.string().describe('First 10 characters of the signing secret (`whsec_...`).'),
    /** The whole secret: only in the response that created it. */
    secret: z
      .string()
      .optional()
      .describe(
        'The signing secret, `whsec_<base64>`: only in the response of the request that created it. Store it now.',
      ),
    /** Set when the endpoint answered 410 Gone: nothing more is sent to it until the channel is sent again. */
    disabledAt: z
      .string()
      .optional()
      .describe('When the endpoint answered 410 Gone; send the channel again to re-enable it.'),
  }),
  z.object({ type: z.literal('email'), to: z.string() }),
]);
export type RuleChannelView = z.infer<typeof RuleChannelViewSchema>;

export const AlertRuleViewSchema = z
  .object({
    id: z.uuid(),
    name: z.string().optional(),
    type: AlertRuleTypeSchema,
    target: z.object({
      tokenId: z.string().optional(),
      protocolId: z.string().optional(),
      chain: z.string().optional(),
    }),
    threshold: z.number(),
    window: AlertWindowSchema.optional(),
    cooldownSec: z.number().int(),
    rearmPct: z.number(),
    channels: z.array(RuleChannelViewSchema),
    priority: AlertPrioritySchema,
    enabled: z.boolean(),
    /** ISO 8601, UTC. */
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('An alert rule as stored, defaults filled in.');
export type AlertRuleView = z.infer<typeof AlertRuleViewSchema>;

/** A rule as the API answers it; webhook secrets appear in full only when listed in `revealed`. */
export function toRuleView(rule: StoredRule, revealed: ReadonlySet<string> = new Set()): AlertRuleView {
  return {
    id: rule.id,
    ...(rule.name === '' ? {} : { name: rule.name }),
    type: rule.type,
    target: {
      ...(rule.tokenId === null ? {} : { tokenId: rule.tokenId }),
      ...(rule.protocolId === null ? {} : { protocolId: rule.protocolId }),
      ...(rule.chain === null ? {} : { chain: rule.chain }),
    },
    threshold: rule.threshold,
    ...(rule.window === null ? {} : { window: rule.window }),
    cooldownSec: rule.cooldownSec,
    rearmPct: rule.rearmPct,
    channels: rule.channels.map((channel) => toChannelView(channel, revealed)),
    priority: rule.priority,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
    updatedAt: rule.updatedAt.toISOString(),
  };
}

function toChannelView(channel: StoredChannel, revealed: ReadonlySet<string>): RuleChannelView {
  if (channel.type !== 'webhook')
    return channel.type === 'email' ? { type: 'email', to: channel.to } : { type: 'websocket' };
  return {
    type: 'webhook',
    url: channel.url,
    secretPrefix: secretPrefix(channel.secret),
    ...(revealed.has(channel.secret) ? { secret: channel.secret } : {}),
    ...(channel.disabledAt === undefined ? {} : { disabledAt: channel.disabledAt }),
  };
}
