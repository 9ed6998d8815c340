// @defi-realtime/client/browser: the same client without Node code or schema validation.
export { RealtimeClient, connect } from './browser-client';
export * from './shared-exports';
