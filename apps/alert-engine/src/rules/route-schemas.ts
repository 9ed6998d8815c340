import { z } from 'zod';
import { AlertRuleTypeSchema } from '@defi-realtime/protocol';
import { cursorQuerySchema, LimitQuerySchema } from './cursor';
import { AlertEventViewSchema } from './rule-history';
import { AlertRuleViewSchema } from './rule-view';

// Request and response schemas of the rules API: they validate requests and make the
// OpenAPI document (`/openapi.json`); bodies are CreateAlertRuleSchema and
// UpdateAlertRuleSchema from libs/protocol, used as they are.

export const RuleIdParamsSchema = z.object({
  id: z.uuid().describe('The rule id returned when it was created.'),
});

export const ListRulesQuerySchema = z.object({
  enabled: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional()
    .describe('Only enabled (`true`) or disabled (`false`) rules.'),
  type: AlertRuleTypeSchema.optional().describe('Only rules of this type.'),
  limit: LimitQuerySchema,
  cursor: cursorQuerySchema('uuid').optional(),
});

export const HistoryQuerySchema = z.object({
  limit: LimitQuerySchema,
  cursor: cursorQuerySchema('text').optional(),
});

const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.');

export const RuleListSchema = z.object({ rules: z.array(AlertRuleViewSchema), nextCursor });

export const RuleHistorySchema = z.object({ events: z.array(AlertEventViewSchema), nextCursor });

export const TestFireResultSchema = z.object({
  notificationId: z.string().describe('`test_<uuid>`: the id deliveries of this test carry.'),
});

/** The body of every error answer. */
export const ErrorBodySchema = z
  .object({
    code: z.string().describe('From the error registry: BAD_REQUEST, UNAUTHORIZED, NOT_FOUND, LIMIT_EXCEEDED...'),
    message: z.string(),
    field: z.string().optional().describe('The request field at fault: `body.threshold`, `params.id`, `query.limit`.'),
  })
  .describe('An error: what went wrong and, for a bad field, which one.');

/** The error answers every route may give (401 and 404 included: a rule of another owner is not found). */
export const ERROR_RESPONSES = {
  400: ErrorBodySchema.describe('A field is invalid; `field` names it.'),
  401: ErrorBodySchema.describe('No, an unknown or a revoked API key.'),
  404: ErrorBodySchema.describe('No such rule among yours.'),
} as const;
