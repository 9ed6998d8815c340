import { z } from 'zod';
import {
  AlertDataSchema,
  type EventType,
  PriceUpdateDataSchema,
  ProtocolUpdateDataSchema,
  TimestampSchema,
  TvlUpdateDataSchema,
} from './events';
import { ClientMessageIdSchema } from './message-id';
import { PositionSchema } from './position';

// Server -> client messages (DESIGN section 3). The client SDK parses every frame with
// these, so they are lenient where the server may grow: unknown fields are stripped and
// error codes are plain strings (a newer server's new code must not break an older SDK;
// `isErrorCode` tells the known ones apart).

const id = ClientMessageIdSchema.optional();

/** An error code on the wire; see ERRORS for the known ones. */
const WireErrorCodeSchema = z.string().min(1).max(64);

/** The limits that apply to this connection, so a client can stay inside them (names as in the tier table, docs/auth.md). */
export const ConnectionLimitsSchema = z.object({
  /** Connections this key may hold open at once, over all nodes. */
  maxConnectionsPerKey: z.number().int().nonnegative(),
  /** Channels one connection may be subscribed to at once. */
  maxChannelsPerConnection: z.number().int().nonnegative(),
  /** subscribe/unsubscribe messages per minute. */
  subscriptionChangesPerMinute: z.number().int().nonnegative(),
  /** Messages per minute from the client. */
  messagesPerMinute: z.number().int().nonnegative(),
  /** Largest client frame in bytes; larger ones close the connection with 1009. */
  maxMessageBytes: z.number().int().positive(),
  /** How long after a disconnect `resume` still works. */
  recoveryWindowMs: z.number().int().nonnegative(),
});
export type ConnectionLimits = z.infer<typeof ConnectionLimitsSchema>;

/** Sent once the connection is authenticated (at once for handshake auth, else in reply to `authenticate`). */
export const WelcomeMessageSchema = z.object({
  type: z.literal('welcome'),
  id,
  connectionId: z.string().min(1),
  /** Pass to `resume` on a new connection within `limits.recoveryWindowMs` to get this session back. */
  resumeToken: z.string().min(1),
  /** The server pings this often; answer pongs (WebSocket clients do it themselves). */
  heartbeatMs: z.number().int().positive(),
  /** The caller's tier, e.g. `free`, `pro`. */
  tier: z.string().optional(),
  limits: ConnectionLimitsSchema,
  serverTime: TimestampSchema,
});

export const ChannelErrorSchema = z.object({ code: WireErrorCodeSchema, message: z.string() });

/** The outcome for one requested channel; results come in the order of the request. */
export const ChannelResultSchema = z.object({
  /** Canonical name; the name as sent when it could not be parsed. */
  channel: z.string(),
  status: z.enum(['subscribed', 'unsubscribed', 'error']),
  /** The channel's current position; live events follow it. */
  position: PositionSchema.optional(),
  /** Present when the request had `since` for this channel: were the missed events replayed? */
  recovered: z.boolean().optional(),
  error: ChannelErrorSchema.optional(),
});
export type ChannelResult = z.infer<typeof ChannelResultSchema>;

/** The reply to subscribe, unsubscribe, list_subscriptions and resume. */
export const SubscriptionResultMessageSchema = z.object({
  type: z.literal('subscription_result'),
  id,
  results: z.array(ChannelResultSchema),
});

function dataMessage<T extends EventType, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    type: z.literal(type),
    channel: z.string(),
    position: PositionSchema,
    /** The event's timestamp, ms. */
    timestamp: TimestampSchema,
    data,
  });
}

export const PriceUpdateMessageSchema = dataMessage('price_update', PriceUpdateDataSchema);
export const TvlUpdateMessageSchema = dataMessage('tvl_update', TvlUpdateDataSchema);
export const ProtocolUpdateMessageSchema = dataMessage('protocol_update', ProtocolUpdateDataSchema);
export const AlertMessageSchema = dataMessage('alert', AlertDataSchema);

export const DataMessageSchema = z.discriminatedUnion('type', [
  PriceUpdateMessageSchema,
  TvlUpdateMessageSchema,
  ProtocolUpdateMessageSchema,
  AlertMessageSchema,
]);
export type DataMessage = z.infer<typeof DataMessageSchema>;

/** One current value in a snapshot: a data message without channel and position. */
export const SnapshotEntrySchema = z.discriminatedUnion('type', [
  PriceUpdateMessageSchema.omit({ channel: true, position: true }),
  TvlUpdateMessageSchema.omit({ channel: true, position: true }),
  ProtocolUpdateMessageSchema.omit({ channel: true, position: true }),
  AlertMessageSchema.omit({ channel: true, position: true }),
]);
export type SnapshotEntry = z.infer<typeof SnapshotEntrySchema>;

/**
 * The channel's current values, sent before live updates when `options.snapshot` was
 * set: one entry for a one-key channel (`token:...`), the latest per key for an
 * aggregate one (`prices`). Live events after `position` follow.
 */
export const SnapshotMessageSchema = z.object({
  type: z.literal('snapshot'),
  id,
  channel: z.string(),
  position: PositionSchema.optional(),
  data: z.array(SnapshotEntrySchema),
});

export const PongMessageSchema = z.object({ type: z.literal('pong'), id, timestamp: TimestampSchema });

export const ErrorMessageSchema = z.object({
  type: z.literal('error'),
  id,
  code: WireErrorCodeSchema,
  message: z.string(),
  /** Dotted path of the offending field in the client's message. */
  field: z.string().optional(),
});

/** Operator notices: maintenance, a coming restart. */
export const SystemAnnouncementMessageSchema = z.object({
  type: z.literal('system_announcement'),
  data: z.looseObject({
    message: z.string(),
    level: z.enum(['info', 'warning', 'critical']).optional(),
  }),
});

export const SERVER_MESSAGE_TYPES = [
  'welcome',
  'subscription_result',
  'price_update',
  'tvl_update',
  'protocol_update',
  'alert',
  'snapshot',
  'pong',
  'error',
  'system_announcement',
] as const;

/** Any server message, discriminated on `type`. */
export const ServerMessageSchema = z.discriminatedUnion('type', [
  WelcomeMessageSchema,
  SubscriptionResultMessageSchema,
  PriceUpdateMessageSchema,
  TvlUpdateMessageSchema,
  ProtocolUpdateMessageSchema,
  AlertMessageSchema,
  SnapshotMessageSchema,
  PongMessageSchema,
  ErrorMessageSchema,
  SystemAnnouncementMessageSchema,
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
export type ServerMessageType = ServerMessage['type'];
export type WelcomeMessage = z.infer<typeof WelcomeMessageSchema>;
export type SubscriptionResultMessage = z.infer<typeof SubscriptionResultMessageSchema>;
export type SnapshotMessage = z.infer<typeof SnapshotMessageSchema>;
export type PongMessage = z.infer<typeof PongMessageSchema>;
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;
export type SystemAnnouncementMessage = z.infer<typeof SystemAnnouncementMessageSchema>;
