/** The delivery channels, as stored in `alert_deliveries.channel`. */
export const DELIVERY_CHANNELS = ['websocket', 'webhook', 'email'] as const;
export type DeliveryChannelName = (typeof DELIVERY_CHANNELS)[number];

/** A delivery's status (`alert_deliveries.status`); docs/alerts-delivery.md explains each. */
export const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'dead', 'gone'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * What one attempt came to. `retry` is temporary (the schedule decides whether another
 * attempt follows); `permanent` is dead at once (retrying cannot help); `gone` is the
 * endpoint's 410: the channel is disabled.
 */
export type AttemptOutcome =
  | { kind: 'succeeded'; statusCode?: number }
  | { kind: 'retry'; error: string; statusCode?: number }
  | { kind: 'permanent'; error: string; statusCode?: number }
  | { kind: 'gone'; error: string; statusCode: number };

/** The `outcome` label of alert_deliveries_total for one attempt. */
export type AttemptMetricOutcome = 'succeeded' | 'retrying' | 'dead' | 'gone';
