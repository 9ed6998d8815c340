import { runConsumer, STREAMS, type Consumer, type Queue, type QueueEntry } from '@defi-realtime/queue';
import { validate } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import { NotificationSchema, type Notification } from '../notifications/notification';
import type { DeliveryStore } from './delivery-store';
import type { DeliveryDispatcher } from './dispatcher';
import type { DeliveryMetrics } from './metrics';

/** The consumer group delivery reads the outbox with (evaluation's group is another). */
export const DELIVERY_GROUP = 'alert-delivery';

export interface OutboxConsumerOptions {
  queue: Queue;
  store: DeliveryStore;
  dispatcher: DeliveryDispatcher;
  metrics: DeliveryMetrics;
  logger: Logger;
  consumer: string;
  batchSize: number;
  claimIdleMs: number;
  maxDeliveries: number;
  /** Delay of the first attempt (the retry schedule's first entry). */
  firstDelayMs: number;
}

/**
 * Reads notifications from the outbox (STREAMS.outbox, group `alert-delivery`): records
 * each one (alert event + one delivery per channel, idempotently) and starts the first
 * attempts at once. A malformed entry is logged, counted and acknowledged, never retried;
 * a notification whose rule was deleted meanwhile likewise. A database failure rejects
 * the batch: nothing is acknowledged, and the entries are taken again after claimIdleMs.
 */
export function startOutboxConsumer(options: OutboxConsumerOptions): Consumer {
  const { store, dispatcher, metrics, logger } = options;

  const handle = async (entries: QueueEntry[]): Promise<void> => {
    const recorded: string[] = [];
    for (const entry of entries) {
      const notification = parseNotification(entry, logger);
      if (!notification) {
        metrics.outbox.inc({ outcome: 'malformed' });
        continue;
      }
      const result = await store.recordNotification(notification, options.firstDelayMs);
      metrics.outbox.inc({ outcome: result });
      if (result === 'rule_deleted') {
        logger.info(
          { entryId: entry.id, notificationId: notification.id, ruleId: notification.ruleId },
          'notification dropped: its rule was deleted',
        );
        continue;
      }
      // A duplicate may still have deliveries due (the first run crashed before attempting them).
      recorded.push(notification.id);
    }
    dispatcher.dispatchEvents(recorded);
  };

  return runConsumer({
    queue: options.queue,
    stream: STREAMS.outbox,
    group: DELIVERY_GROUP,
    consumer: options.consumer,
    handle,
    batchSize: options.batchSize,
    claimIdleMs: options.claimIdleMs,
    maxDeliveries: options.maxDeliveries,
    from: 'start',
    onDeadLetter: async (dead) => {
      metrics.outbox.inc({ outcome: 'dropped' }, dead.length);
      for (const entry of dead) {
        logger.error(
          { entryId: entry.id, deliveries: entry.deliveries, payload: entry.payload.slice(0, 1_000) },
          'outbox entry dropped after repeated failures to record it',
        );
      }
    },
    logger,
  });
}

function parseNotification(entry: QueueEntry, logger: Logger): Notification | undefined {
  let json: unknown;
  try {
    json = JSON.parse(entry.payload);
  } catch (err) {
    logger.warn(
      { entryId: entry.id, problem: (err as Error).message, payload: entry.payload.slice(0, 500) },
      'malformed outbox entry (not JSON); skipped',
    );
    return undefined;
  }
  const parsed = validate(NotificationSchema, json);
  if (!parsed.ok) {
    logger.warn(
      { entryId: entry.id, problem: parsed.error.message, payload: entry.payload.slice(0, 500) },
      'malformed outbox entry (not a Notification); skipped',
    );
    return undefined;
  }
  return parsed.value;
}
