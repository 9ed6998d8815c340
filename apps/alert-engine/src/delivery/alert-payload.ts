import type { AlertEvent, AlertPriority, AlertRuleType } from '@defi-realtime/protocol';
import type { Notification } from '../notifications/notification';

/** The protocol's limit on an alert message (AlertDataSchema). */
const MAX_MESSAGE_LENGTH = 1000;

/**
 * What every channel carries about one alert: the protocol's `alert` event data
 * (`alertId`, `ruleId`, `ownerId`, `type`, `message`, `priority`, `value`, `threshold`,
 * `timestamp`) plus the rule's target, the triggering event and the test flag. Stored as
 * `alert_events.payload`, so every retry and replay sends exactly the same content.
 */
export interface AlertPayload {
  alertId: string;
  ruleId: string;
  ownerId: string;
  type: AlertRuleType;
  message: string;
  priority: AlertPriority;
  value: number;
  threshold: number;
  /** When the crossing happened (ms). */
  timestamp: number;
  target: { tokenId?: string; protocolId?: string; chain?: string };
  /** The event that made the crossing, or `test`. */
  triggerEventId: string;
  test: boolean;
}

/** The payload of a notification, for a rule owned by `owner` (the rule is what routes it). */
export function alertPayload(notification: Notification, owner: string): AlertPayload {
  const message =
    notification.message.slice(0, MAX_MESSAGE_LENGTH) || `${notification.type} crossed ${notification.threshold}`;
  return {
    alertId: notification.id,
    ruleId: notification.ruleId,
    ownerId: owner,
    type: notification.type,
    message,
    priority: notification.priority,
    value: notification.value,
    threshold: notification.threshold,
    timestamp: notification.firedAt,
    target: notification.target,
    triggerEventId: notification.eventId,
    test: notification.test,
  };
}

/** The `alert` event envelope published to the owner's alerts channel (libs/protocol AlertEventSchema). */
export function alertEnvelope(payload: AlertPayload): AlertEvent & { data: AlertPayload } {
  return {
    eventId: payload.alertId,
    type: 'alert',
    source: 'alert-engine',
    timestamp: payload.timestamp,
    data: payload,
  };
}

/** The Standard Webhooks body: `{type: 'alert.fired' | 'alert.test', timestamp: ISO, data}`. */
export function webhookBody(payload: AlertPayload): string {
  return JSON.stringify({
    type: payload.test ? 'alert.test' : 'alert.fired',
    timestamp: new Date(payload.timestamp).toISOString(),
    data: payload,
  });
}
