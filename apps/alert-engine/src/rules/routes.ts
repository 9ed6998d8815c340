import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal } from '@defi-realtime/auth';
import type { Database } from '@defi-realtime/db';
import {
  CreateAlertRuleSchema,
  ProtocolError,
  UpdateAlertRuleSchema,
  applyAlertRuleUpdate,
  type DeliveryChannel,
} from '@defi-realtime/protocol';
import type { Logger, ZodTypeProvider } from '@defi-realtime/runtime';
import { principalOf } from '../http/auth';
import { encodeCursor } from './cursor';
import { listRuleEvents } from './rule-history';
import { toCreateRule } from './rule-fields';
import { RuleStore } from './rule-store';
import { AlertRuleViewSchema, toRuleView } from './rule-view';
import {
  ERROR_RESPONSES,
  ErrorBodySchema,
  HistoryQuerySchema,
  ListRulesQuerySchema,
  RuleHistorySchema,
  RuleIdParamsSchema,
  RuleListSchema,
  TestFireResultSchema,
} from './route-schemas';
import type { StoredRule } from './stored-rule';
import { fireTest, type OutboxQueue } from './test-fire';
import { attachSecrets, findDuplicateChannel } from './webhook-secrets';

export interface RuleRoutesOptions {
  db: Database;
  /** Where test-fire appends its notification (the outbox stream of libs/queue). */
  queue: OutboxQueue;
  logger: Logger;
}

const tags = ['alerts'];

/**
 * The alert rules REST API under `/v2/alerts` (create, list, get, update, delete,
 * enable/disable, test-fire, history). Every route acts on the caller's own rules only:
 * register `registerAuth` on the app first; another owner's rule answers 404, never 403,
 * so rule ids reveal nothing.
 */
export const ruleRoutes: FastifyPluginAsync<RuleRoutesOptions> = async (app, options) => {
  const store = new RuleStore(options.db);
  const { logger } = options;
  const api = app.withTypeProvider<ZodTypeProvider>();

  const ownRule = async (req: FastifyRequest, id: string): Promise<StoredRule> => {
    const rule = await store.get(principalOf(req).owner, id);
    if (!rule) throw notFound(id);
    return rule;
  };

  api.post(
    '/v2/alerts',
    {
      schema: {
        summary: 'Create an alert rule',
        description:
          'Webhook channels get a signing secret, shown in full in this response only (`channels[i].secret`). ' +
          'Each tier caps how many rules an owner keeps (free: 10): over it, 403 LIMIT_EXCEEDED.',
        tags,
        body: CreateAlertRuleSchema,
        response: {
          201: AlertRuleViewSchema,
          ...ERROR_RESPONSES,
          403: ErrorBodySchema.describe('LIMIT_EXCEEDED: the tier allows no more rules.'),
        },
      },
    },
    async (req, reply) => {
      const principal = principalOf(req);
      checkChannels(req.body.channels);
      const { channels, revealed } = attachSecrets(req.body.channels);
      const author = { owner: principal.owner, apiKeyId: principal.via === 'api_key' ? principal.id : null };
      const result = await store.create(author, { rule: req.body, channels }, principal.limits.maxAlertRules);
      if (!result.ok) throw limitExceeded(principal, result.limit);
      logger.info({ ruleId: result.rule.id, owner: principal.owner, type: result.rule.type }, 'alert rule created');
      return reply.code(201).send(toRuleView(result.rule, revealed));
    },
  );

  api.get(
    '/v2/alerts',
    {
      schema: {
        summary: 'List your alert rules',
        description: "Newest first, paged with `limit` and `cursor` (the previous page's `nextCursor`).",
        tags,
        querystring: ListRulesQuerySchema,
        response: { 200: RuleListSchema, 400: ERROR_RESPONSES[400], 401: ERROR_RESPONSES[401] },
      },
    },
    async (req) => {
      const { enabled, type, limit, cursor } = req.query;
      const page = await store.list(principalOf(req).owner, { enabled, type }, { limit, after: cursor });
      return { rules: page.rules.map((rule) => toRuleView(rule)), nextCursor: page.next && encodeCursor(page.next) };
    },
  );

  api.get(
    '/v2/alerts/:id',
    {
      schema: {
        summary: 'Get one alert rule',
        tags,
        params: RuleIdParamsSchema,
        response: { 200: AlertRuleViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => toRuleView(await ownRule(req, req.params.id)),
  );

  api.patch(
    '/v2/alerts/:id',
    {
      schema: {
        summary: 'Update an alert rule',
        description:
          'Merge-patch: fields sent replace the stored ones (`target` and `channels` as a whole), `window: null` removes ' +
          'the window; the result is checked as a whole rule. A webhook URL new to the rule gets a new secret, shown ' +
          'in this response only; URLs the rule had keep theirs.',
        tags,
        params: RuleIdParamsSchema,
        body: UpdateAlertRuleSchema,
        response: { 200: AlertRuleViewSchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const { owner } = principalOf(req);
      const update = req.body;
      if (update.channels !== undefined) checkChannels(update.channels);
      let revealed = new Set<string>();
      const rule = await store.update(owner, req.params.id, (current) => {
        const merged = applyAlertRuleUpdate(toCreateRule(current), update);
        if (!merged.ok) {
          const { message, field } = merged.error;
          throw new ProtocolError(
            'BAD_REQUEST',
            `body.${message}`,
            field === undefined ? {} : { field: `body.${field}` },
          );
        }
        if (update.channels === undefined) return { rule: merged.value, channels: current.channels };
        const attached = attachSecrets(update.channels, current.channels);
        revealed = attached.revealed;
        return { rule: merged.value, channels: attached.channels };
      });
      if (!rule) throw notFound(req.params.id);
      logger.info({ ruleId: rule.id, owner, fields: Object.keys(update) }, 'alert rule updated');
      return toRuleView(rule, revealed);
    },
  );

  api.delete(
    '/v2/alerts/:id',
    {
      schema: {
        summary: 'Delete an alert rule',
        description: 'Its alert history goes with it.',
        tags,
        params: RuleIdParamsSchema,
        response: { 204: z.null().describe('Deleted.'), ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const { owner } = principalOf(req);
      if (!(await store.delete(owner, req.params.id))) throw notFound(req.params.id);
      logger.info({ ruleId: req.params.id, owner }, 'alert rule deleted');
      return reply.code(204).send(null);
    },
  );

  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    api.post(
      `/v2/alerts/:id/${action}`,
      {
        schema: {
          summary: enabled ? 'Enable an alert rule' : 'Disable an alert rule',
          description: enabled
            ? 'The rule is evaluated again from the next event.'
            : 'The rule is kept but no longer evaluated.',
          tags,
          params: RuleIdParamsSchema,
          response: { 200: AlertRuleViewSchema, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const { owner } = principalOf(req);
        const rule = await store.setEnabled(owner, req.params.id, enabled);
        if (!rule) throw notFound(req.params.id);
        logger.info({ ruleId: rule.id, owner }, enabled ? 'alert rule enabled' : 'alert rule disabled');
        return toRuleView(rule);
      },
    );
  }

  api.post(
    '/v2/alerts/:id/test',
    {
      schema: {
        summary: 'Send a test alert',
        description:
          'Sends a notification marked `test: true` (value = the threshold) to every channel of the rule, like a real ' +
          'one, to check the receiving end. Works on disabled rules too.',
        tags,
        params: RuleIdParamsSchema,
        response: { 202: TestFireResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (req, reply) => {
      const rule = await ownRule(req, req.params.id);
      const notification = await fireTest(options.queue, rule);
      logger.info({ ruleId: rule.id, owner: rule.owner, notificationId: notification.id }, 'alert rule test-fired');
      return reply.code(202).send({ notificationId: notification.id });
    },
  );

  api.get(
    '/v2/alerts/:id/history',
    {
      schema: {
        summary: 'List the times a rule fired',
        description: 'Newest first, paged with `limit` and `cursor`.',
        tags,
        params: RuleIdParamsSchema,
        querystring: HistoryQuerySchema,
        response: { 200: RuleHistorySchema, ...ERROR_RESPONSES },
      },
    },
    async (req) => {
      const rule = await ownRule(req, req.params.id);
      const page = await listRuleEvents(options.db, rule.id, { limit: req.query.limit, after: req.query.cursor });
      return { events: page.events, nextCursor: page.next && encodeCursor(page.next) };
    },
  );
};

function notFound(id: string): ProtocolError {
  return new ProtocolError('NOT_FOUND', `no alert rule ${id} among yours`);
}

function limitExceeded(principal: Principal, limit: number): ProtocolError {
  return new ProtocolError(
    'LIMIT_EXCEEDED',
    `alert rule limit reached: the ${principal.tier} tier keeps at most ${limit} rules (maxAlertRules); delete one or use a bigger tier`,
  );
}

/** Refuse a channel listed twice: every alert would reach the same place twice. */
function checkChannels(channels: readonly DeliveryChannel[]): void {
  const duplicate = findDuplicateChannel(channels);
  if (duplicate === null) return;
  const field = `body.channels.${duplicate.index}`;
  throw new ProtocolError('BAD_REQUEST', `${field}: repeats channels.${duplicate.first}`, { field });
}
