import type { RealtimeError } from './errors';

/**
 * Where the client's connection stands. Changed only through the client's `setState`,
 * which emits a `state` event with the old and the new value.
 *
 * idle -> connecting -> connected -> reconnecting -> connected ...; any -> closed (the
 * application called `close()`) or failed (a permanent error: bad key, forbidden).
 */
export enum ConnectionState {
  /** Created, `connect()` not called yet. */
  Idle = 'idle',
  /** Opening the first connection (retrying with backoff while the server is unreachable). */
  Connecting = 'connecting',
  /** Welcomed by the server: subscriptions are live. */
  Connected = 'connected',
  /** A connection was lost: waiting out the backoff or opening a new one. */
  Reconnecting = 'reconnecting',
  /** Closed by the application. Final. */
  Closed = 'closed',
  /** Stopped by a permanent error (`client.error` says which). Final. */
  Failed = 'failed',
}

/**
 * Where one subscription stands. subscribing -> subscribed -> subscribing (connection
 * lost) -> subscribed ...; any -> unsubscribed (the application left) or failed (every
 * channel refused, or the client failed).
 */
export enum SubscriptionState {
  /** Waiting for the server's answer, or for a connection. */
  Subscribing = 'subscribing',
  /** At least one channel is live. */
  Subscribed = 'subscribed',
  /** Ended by `unsubscribe()` or `client.close()`. Final. */
  Unsubscribed = 'unsubscribed',
  /** Ended by an error (`subscription.error`). Final. */
  Failed = 'failed',
}

/** The payload of every `state` event. */
export interface StateChange<S> {
  old: S;
  new: S;
  /** Set when the change was caused by an error (a lost connection, a refusal). */
  error?: RealtimeError;
}
