// @defi-realtime/protocol: the wire contract shared by every app, the client SDK and
// the browser. Depends on nothing but zod.

export { PositionSchema } from './position';
export type { Position } from './position';

export {
  ChainSchema,
  ProtocolIdSchema,
  TokenIdSchema,
  normalizeTokenId,
  parseTokenId,
  isChain,
  isProtocolId,
} from './ids';
export type { ParsedTokenId } from './ids';

export { CHANNEL_MAX_LENGTH, normalizeChannel, channelsForEvent, userAlertsChannel, engineChannel } from './channels';
export type { ChannelKind, ParsedChannel, NormalizedChannel, ChannelRejection } from './channels';

export {
  EVENT_TYPES,
  EventTypeSchema,
  TimestampSchema,
  PriceUpdateDataSchema,
  TvlUpdateDataSchema,
  ProtocolUpdateDataSchema,
  AlertDataSchema,
  PriceUpdateEventSchema,
  TvlUpdateEventSchema,
  ProtocolUpdateEventSchema,
  AlertEventSchema,
  EventEnvelopeSchema,
  EVENT_DATA_SCHEMAS,
} from './events';
export type {
  EventType,
  EventEnvelope,
  EventData,
  PriceUpdateData,
  TvlUpdateData,
  ProtocolUpdateData,
  AlertData,
  PriceUpdateEvent,
  TvlUpdateEvent,
  ProtocolUpdateEvent,
  AlertEvent,
} from './events';

export {
  MAX_FILTER_ENTRIES,
  MAX_THROTTLE_MS,
  FiltersSchema,
  ThresholdsSchema,
  SubscribeOptionsSchema,
  DEFAULT_SUBSCRIBE_OPTIONS,
} from './filters';
export type { Filters, Thresholds, SubscribeOptions } from './filters';

export { ClientMessageIdSchema } from './message-id';
export type { ClientMessageId } from './message-id';

export {
  MAX_CHANNELS_PER_MESSAGE,
  CLIENT_MESSAGE_TYPES,
  CLIENT_MESSAGE_SCHEMAS,
  ClientMessageSchema,
  AuthenticateMessageSchema,
  SubscribeMessageSchema,
  UnsubscribeMessageSchema,
  ListSubscriptionsMessageSchema,
  ResumeMessageSchema,
  PingMessageSchema,
  isClientMessageType,
} from './client-messages';
export type {
  ClientMessage,
  ClientMessageType,
  AuthenticateMessage,
  SubscribeMessage,
  UnsubscribeMessage,
  ListSubscriptionsMessage,
  ResumeMessage,
  PingMessage,
} from './client-messages';

export { parseClientMessage } from './parse-client-message';
export type { ParseClientMessageResult, ClientMessageError } from './parse-client-message';

export {
  SERVER_MESSAGE_TYPES,
  ServerMessageSchema,
  WelcomeMessageSchema,
  ConnectionLimitsSchema,
  SubscriptionResultMessageSchema,
  ChannelResultSchema,
  DataMessageSchema,
  PriceUpdateMessageSchema,
  TvlUpdateMessageSchema,
  ProtocolUpdateMessageSchema,
  AlertMessageSchema,
  SnapshotMessageSchema,
  SnapshotEntrySchema,
  PongMessageSchema,
  ErrorMessageSchema,
  SystemAnnouncementMessageSchema,
} from './server-messages';
export type {
  ServerMessage,
  ServerMessageType,
  WelcomeMessage,
  ConnectionLimits,
  SubscriptionResultMessage,
  ChannelResult,
  DataMessage,
  SnapshotMessage,
  SnapshotEntry,
  PongMessage,
  ErrorMessage,
  SystemAnnouncementMessage,
} from './server-messages';

export {
  ALERT_RULE_TYPES,
  PRICE_RULE_TYPES,
  TVL_RULE_TYPES,
  ALERT_RULE_DEFAULTS,
  ALERT_WINDOWS_MS,
  AlertRuleTypeSchema,
  AlertWindowSchema,
  AlertPrioritySchema,
  DeliveryChannelSchema,
  PriceTargetSchema,
  TvlTargetSchema,
  CreateAlertRuleSchema,
  UpdateAlertRuleSchema,
  applyAlertRuleUpdate,
  isPriceRule,
  isChangeRule,
} from './alert-rules';
export type {
  AlertRuleType,
  AlertWindow,
  AlertPriority,
  DeliveryChannel,
  CreateAlertRule,
  CreateAlertRuleInput,
  UpdateAlertRule,
} from './alert-rules';

export { ERRORS, ERROR_CODES, ProtocolError, closeCodeFor, httpStatusFor, isErrorCode } from './errors';
export type { ErrorCode, ErrorDefinition, ProtocolErrorOptions } from './errors';

export { validate, describeZodError } from './issues';
export type { BadRequest, Validated } from './issues';

export {
  EARLIEST_OBSERVATION_MS,
  MAX_CLOCK_SKEW_MS,
  MAX_USD_VALUE,
  MAX_CHANGE_PERCENT,
  PriceValueSchema,
  TvlValueSchema,
  ChangePercentSchema,
  IngestTimestampSchema,
  changePercent,
} from './observations';

export { MAX_INGEST_RECORDS, IngestPriceSchema, IngestTvlSchema, IngestBatchSchema } from './ingest';
export type { IngestPrice, IngestTvl, IngestBatch, IngestRejection, IngestResult } from './ingest';
