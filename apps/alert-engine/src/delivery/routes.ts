import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { Queryable } from '@defi-realtime/db';
import { ProtocolError } from '@defi-realtime/protocol';
import type { ZodTypeProvider } from '@defi-realtime/runtime';
import { principalOf } from '../http/auth';
import { REPLAYABLE_STATUSES, getDelivery, listDeliveries, replayDelivery } from './delivery-queries';
import { DELIVERY_CHANNELS, DELIVERY_STATUSES } from './outcome';

export interface DeliveryRoutesOptions {
  db: Queryable;
  /** The running delivery (startDelivery's handle), woken after a replay so it goes out at once. @default undefined (the retry loop finds it within its interval) */
  delivery?: { wake(): void };
}

const tags = ['alerts'];

const ErrorBodySchema = z.object({ code: z.string(), message: z.string(), field: z.string().optional() });

const DeliveryViewSchema = z
  .object({
    id: z.uuid().describe('The delivery id; for webhooks the `webhook-id` header, the same on every retry and replay.'),
    alertId: z.string().describe('The notification (alert event) delivered.'),
    ruleId: z.uuid(),
    channel: z.enum(DELIVERY_CHANNELS),
    target: z.string().describe("The webhook URL, the email address, or '' for the WebSocket alerts channel."),
    status: z
      .enum(DELIVERY_STATUSES)
      .describe(
        'pending | retrying | succeeded | dead (retries exhausted: the dead-letter list) | gone (410: webhook disabled)',
      ),
    attempts: z.number().int().describe('Attempts since creation or the last replay.'),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable().describe('HTTP status of the last webhook attempt.'),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    replayedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('One delivery of one alert to one channel.');

// `failed` is the dead-letter list as the API and docs name it; the stored status is `dead`.
const StatusFilterSchema = z
  .enum([...DELIVERY_STATUSES, 'failed'])
  .transform((status) => (status === 'failed' ? 'dead' : status))
  .describe('Only deliveries in this status; `failed` = `dead`: the dead-letter list (retries exhausted or refused).');

const CURSOR = /^d(\d{1,19})$/;

const CursorSchema = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const match = CURSOR.exec(Buffer.from(text, 'base64url').toString('latin1'));
    if (!match) {
      ctx.addIssue({ code: 'custom', message: 'expected the nextCursor of a previous page of this listing' });
      return z.NEVER;
    }
    return match[1] as string;
  })
  .describe('The `nextCursor` of the previous page; absent for the first page.');

const ListQuerySchema = z.object({
  status: StatusFilterSchema.optional(),
  channel: z.enum(DELIVERY_CHANNELS).optional().describe('Only deliveries to this channel.'),
  limit: z.coerce.number().int().min(1).max(100).default(50).describe('Rows per page, 1-100.'),
  cursor: CursorSchema.optional(),
});

const IdParamsSchema = z.object({ id: z.uuid().describe('A delivery id from the listing.') });

/**
 * The deliveries API, owner-scoped (register `registerAuth` on the app first):
 * `GET /v2/alerts/deliveries` lists the caller's deliveries newest first
 * (`status=failed` is the dead-letter list), `POST /v2/alerts/deliveries/:id/replay`
 * delivers a dead, gone or succeeded one again with the same id. Another owner's
 * delivery is 404, never 403, so ids reveal nothing.
 */
export const deliveryRoutes: FastifyPluginAsync<DeliveryRoutesOptions> = async (app, options) => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const { db } = options;

  api.get(
    '/v2/alerts/deliveries',
    {
      schema: {
        summary: 'List your alert deliveries',
        description:
          'Newest first. Statuses: pending (first attempt due), retrying (an attempt failed; next at nextAttemptAt), succeeded, ' +
          'dead (retries exhausted or refused: the dead-letter list, also `status=failed`), gone (the endpoint answered 410; the webhook is disabled).',
        tags,
        querystring: ListQuerySchema,
        response: {
          200: z.object({ deliveries: z.array(DeliveryViewSchema), nextCursor: z.string().nullable() }),
          400: ErrorBodySchema,
          401: ErrorBodySchema,
        },
      },
    },
    async (req) => {
      const { status, channel, limit, cursor } = req.query;
      const page = await listDeliveries(db, principalOf(req).owner, { status, channel, limit, beforeSeq: cursor });
      return { deliveries: page.deliveries, nextCursor: page.lastSeq === null ? null : encodeCursor(page.lastSeq) };
    },
  );

  api.post(
    '/v2/alerts/deliveries/:id/replay',
    {
      schema: {
        summary: 'Deliver a dead, gone or succeeded delivery again',
        description:
          'Back to pending with attempts reset, delivered again on the retry schedule with the same id (webhooks: the same `webhook-id`). ' +
          "A gone webhook is sent even though the endpoint stays disabled for new alerts (update the rule's channels to re-enable it).",
        tags,
        params: IdParamsSchema,
        response: { 202: DeliveryViewSchema, 400: ErrorBodySchema, 401: ErrorBodySchema, 404: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const owner = principalOf(req).owner;
      const { id } = req.params;
      const replayed = await replayDelivery(db, owner, id);
      if (!replayed) {
        const current = await getDelivery(db, owner, id);
        if (!current) throw new ProtocolError('NOT_FOUND', `no delivery ${id} among yours`, { field: 'params.id' });
        throw new ProtocolError(
          'BAD_REQUEST',
          `delivery ${id} is ${current.status}: only ${REPLAYABLE_STATUSES.join(', ')} deliveries can be replayed`,
          { field: 'params.id' },
        );
      }
      options.delivery?.wake();
      return reply.code(202).send(replayed);
    },
  );
};

function encodeCursor(seq: string): string {
  return Buffer.from(`d${seq}`, 'latin1').toString('base64url');
}
