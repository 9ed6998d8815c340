import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds from the crossing to delivery: sub-second normally, up to a day through the retry schedule. */
const LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1_800, 7_200, 36_000, 86_400];

/**
 * The delivery metrics. `alert_dead_letters` is a COUNT over the table, so a scrape reuses
 * the last count for `deadLetterRefreshMs` instead of querying each time.
 */
export function createDeliveryMetrics(
  registry: Registry,
  deadLetters: { count(): Promise<number>; refreshMs: number },
) {
  let lastCount = 0;
  let countedAt = Number.NEGATIVE_INFINITY;
  return {
    deliveries: new Counter({
      name: 'alert_deliveries_total',
      help: 'Delivery attempts by channel and outcome (succeeded, retrying, dead, gone)',
      labelNames: ['channel', 'outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'alert_delivery_latency_seconds',
      help: 'From the crossing (notification firedAt) to successful delivery, by channel; replays are not counted',
      labelNames: ['channel'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    deadLetters: new Gauge({
      name: 'alert_dead_letters',
      help: 'Deliveries in the dead-letter list (status dead), refreshed at most every few seconds',
      registers: [registry],
      async collect() {
        if (Date.now() - countedAt >= deadLetters.refreshMs) {
          countedAt = Date.now();
          lastCount = await deadLetters.count().catch(() => lastCount);
        }
        this.set(lastCount);
      },
    }),
    outbox: new Counter({
      name: 'alert_outbox_entries_total',
      help: 'Outbox entries handled by delivery, by outcome (recorded, duplicate, rule_deleted, malformed, dropped)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}

export type DeliveryMetrics = ReturnType<typeof createDeliveryMetrics>;
