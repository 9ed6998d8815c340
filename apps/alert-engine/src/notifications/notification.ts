import { z } from 'zod';
import { AlertPrioritySchema, AlertRuleTypeSchema } from '@defi-realtime/protocol';

/**
 * One notification as it travels from evaluation to delivery on the outbox stream
 * (`STREAMS.outbox` of libs/queue). Evaluation appends it in the same atomic step that records the
 * rule's new state, so a redelivered event never produces a second one; delivery turns
 * it into an `alert_events` row and one delivery per channel of the rule.
 */
export const NotificationSchema = z.object({
  /** Deterministic: the same rule crossing always gives the same id (see notificationId). */
  id: z.string().min(1).max(200),
  ruleId: z.string().uuid(),
  owner: z.string().min(1),
  type: AlertRuleTypeSchema,
  priority: AlertPrioritySchema,
  /** Human-readable: "ETH (coingecko:ethereum) above 4,000: 4,012.50". */
  message: z.string(),
  /** The value that crossed (price, TVL in USD, or percent for *_change_pct). */
  value: z.number(),
  threshold: z.number(),
  target: z.object({
    tokenId: z.string().optional(),
    protocolId: z.string().optional(),
    chain: z.string().optional(),
  }),
  /** When the crossing happened: the event's timestamp (ms). */
  firedAt: z.number().int(),
  /** The event that made the crossing (its eventId), or `test` for a test-fire. */
  eventId: z.string(),
  /** True for `POST /v2/alerts/:id/test`: delivered like any other, marked as a test. */
  test: z.boolean().default(false),
});
export type Notification = z.output<typeof NotificationSchema>;
