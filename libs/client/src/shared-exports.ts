// What both entries export besides the client class itself.
export type { RealtimeClientBase, ClientEvents, ConnectedEvent, DisconnectedEvent } from './client/realtime-client';
export { MAX_CHANNELS_PER_SUBSCRIPTION } from './client/realtime-client';
export { Subscription } from './client/subscription';
export type { Update, RecoveredEvent, RecoveryReason, SubscribeInit, SubscriptionEvents } from './client/subscription';
export { ConnectionState, SubscriptionState } from './client/states';
export type { StateChange } from './client/states';
export { RealtimeError, CLIENT_ERRORS } from './client/errors';
export type { RealtimeErrorCode, ClientErrorCode } from './client/errors';
export { CLIENT_DEFAULTS, REALTIME_PATH } from './client/options';
export type { RealtimeClientOptions } from './client/options';
export type { Transport, TransportFactory, TransportHandlers, TransportClose } from './transport/transport';
export type { Emitter, Listener } from './client/emitter';
export type {
  DataMessage,
  Filters,
  Position,
  SnapshotMessage,
  SubscribeOptions,
  PriceUpdateData,
  TvlUpdateData,
  ProtocolUpdateData,
  AlertData,
} from '@defi-realtime/protocol';
