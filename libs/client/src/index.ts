// @defi-realtime/client: the real-time client for Node and browsers (docs/client.md).
export { RealtimeClient, connect } from './node';
export { createWsTransport } from './transport/ws-transport';
export * from './shared-exports';
