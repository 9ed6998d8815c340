import { z } from 'zod';
import { normalizeChannel } from './channels';
import { FiltersSchema, SubscribeOptionsSchema } from './filters';
import { ClientMessageIdSchema } from './message-id';
import { PositionSchema } from './position';

// Client -> server messages (DESIGN section 3). Strict: an unknown field is refused with
// its name, because a typo (`option` for `options`) silently ignored is a subscription
// that quietly does the wrong thing. Parsing a raw frame: parse-client-message.ts.

/** Channels in one subscribe or unsubscribe message. */
export const MAX_CHANNELS_PER_MESSAGE = 100;

const id = ClientMessageIdSchema.optional();

/**
 * Channel names as the client wrote them. Their grammar is checked per channel by the
 * gateway (normalizeChannel), so one bad name costs one per-channel error, not the request.
 */
export const ChannelListSchema = z
  .array(z.string(), {
    error: (issue) =>
      issue.code === 'invalid_type' && issue.input !== undefined ? 'expected an array of strings' : undefined,
  })
  .min(1)
  .max(MAX_CHANNELS_PER_MESSAGE);

export const AuthenticateMessageSchema = z
  .strictObject({
    type: z.literal('authenticate'),
    id,
    apiKey: z.string().min(1).max(256).optional(),
    /** A JWT. */
    token: z.string().min(1).max(8192).optional(),
  })
  .superRefine((message, ctx) => {
    if (message.apiKey === undefined && message.token === undefined) {
      ctx.addIssue({ code: 'custom', path: ['apiKey'], message: 'required (or token)' });
    } else if (message.apiKey !== undefined && message.token !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['token'], message: 'give apiKey or token, not both' });
    }
  });

/** Where to resume each channel: the position of the last event the client has. */
export const SinceSchema = z
  .record(z.string(), PositionSchema)
  .refine((since) => Object.keys(since).length <= MAX_CHANNELS_PER_MESSAGE, {
    error: `expected at most ${MAX_CHANNELS_PER_MESSAGE} channels`,
  });

export const SubscribeMessageSchema = z
  .strictObject({
    type: z.literal('subscribe'),
    id,
    channels: ChannelListSchema,
    filters: FiltersSchema.optional(),
    since: SinceSchema.optional(),
    options: SubscribeOptionsSchema.optional(),
  })
  .superRefine((message, ctx) => {
    if (message.since === undefined) return;
    // A position for a channel not being subscribed is a client bug (usually an alias
    // in one place and the canonical name in the other, which is why both are compared).
    const subscribed = new Set(message.channels.map(canonicalOrRaw));
    for (const channel of Object.keys(message.since)) {
      if (!subscribed.has(canonicalOrRaw(channel))) {
        ctx.addIssue({
          code: 'custom',
          path: ['since', channel],
          message: 'not one of the channels in this subscribe',
        });
      }
    }
  });

export const UnsubscribeMessageSchema = z.strictObject({
  type: z.literal('unsubscribe'),
  id,
  channels: ChannelListSchema,
});

export const ListSubscriptionsMessageSchema = z.strictObject({ type: z.literal('list_subscriptions'), id });

export const ResumeMessageSchema = z.strictObject({
  type: z.literal('resume'),
  id,
  /** From the `welcome` of the connection being resumed. */
  resumeToken: z.string().min(1).max(512),
});

export const PingMessageSchema = z.strictObject({ type: z.literal('ping'), id });

export const CLIENT_MESSAGE_TYPES = [
  'authenticate',
  'subscribe',
  'unsubscribe',
  'list_subscriptions',
  'resume',
  'ping',
] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

/** Each client message type's schema. */
export const CLIENT_MESSAGE_SCHEMAS = {
  authenticate: AuthenticateMessageSchema,
  subscribe: SubscribeMessageSchema,
  unsubscribe: UnsubscribeMessageSchema,
  list_subscriptions: ListSubscriptionsMessageSchema,
  resume: ResumeMessageSchema,
  ping: PingMessageSchema,
} as const satisfies Record<ClientMessageType, z.ZodType>;

/** Any client message in its canonical form (`type`, never `action`). */
export const ClientMessageSchema = z.discriminatedUnion('type', [
  AuthenticateMessageSchema,
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  ListSubscriptionsMessageSchema,
  ResumeMessageSchema,
  PingMessageSchema,
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type AuthenticateMessage = z.infer<typeof AuthenticateMessageSchema>;
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>;
export type UnsubscribeMessage = z.infer<typeof UnsubscribeMessageSchema>;
export type ListSubscriptionsMessage = z.infer<typeof ListSubscriptionsMessageSchema>;
export type ResumeMessage = z.infer<typeof ResumeMessageSchema>;
export type PingMessage = z.infer<typeof PingMessageSchema>;

/** True when `type` names a client message. */
export function isClientMessageType(type: unknown): type is ClientMessageType {
  return typeof type === 'string' && (CLIENT_MESSAGE_TYPES as readonly string[]).includes(type);
}

function canonicalOrRaw(channel: string): string {
  const normalized = normalizeChannel(channel);
  return normalized.ok ? normalized.channel : channel;
}
