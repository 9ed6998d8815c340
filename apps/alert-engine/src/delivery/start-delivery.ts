import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import type { Database } from '@defi-realtime/db';
import type { Engine } from '@defi-realtime/engine';
import type { Queue } from '@defi-realtime/queue';
import type { Logger } from '@defi-realtime/runtime';
import { ChannelSenders } from './channel-senders';
import { resolveDeliveryOptions, type DeliveryOptions } from './config';
import { DeliveryStore } from './delivery-store';
import { DeliveryDispatcher } from './dispatcher';
import { EmailSender } from './email/email-sender';
import { createDeliveryMetrics } from './metrics';
import { startOutboxConsumer } from './outbox-consumer';
import { startRetryLoop } from './retry-loop';
import { WebhookSender } from './webhook/webhook-sender';

export interface DeliveryDeps {
  db: Database;
  /** Where WebSocket deliveries are published (the owner's alerts channel). */
  engine: Engine;
  /** The queue holding the outbox stream. */
  queue: Queue;
  logger: Logger;
  /** Where the delivery metrics are registered. @default a registry of its own (not exposed) */
  metrics?: Registry;
}

/** A running delivery: the outbox consumer, the retry loop and the senders. */
export interface Delivery {
  /** Look for due deliveries now (the routes call it after a replay). */
  wake(): void;
  /** Stop reading the outbox and retrying, wait for attempts in flight, close connections. */
  stop(): Promise<void>;
}

/**
 * Start delivering: consume the outbox, record each notification's deliveries, attempt
 * them at once and retry on the schedule; every process running it shares the work (the
 * outbox through its consumer group, due deliveries through `FOR UPDATE SKIP LOCKED`).
 */
export async function startDelivery(deps: DeliveryDeps, options: DeliveryOptions = {}): Promise<Delivery> {
  const o = resolveDeliveryOptions(options);
  const logger = deps.logger.child({ part: 'delivery' });
  const store = new DeliveryStore(deps.db);
  const metrics = createDeliveryMetrics(deps.metrics ?? new Registry(), {
    count: () => store.countDead(),
    refreshMs: o.deadLetterRefreshMs,
  });
  const webhook = new WebhookSender({ allowPrivate: o.allowPrivate, timeoutMs: o.timeoutMs });
  const email = o.email ? await EmailSender.create(o.email, o.timeoutMs) : undefined;
  if (!email) logger.info('no email transport configured: email deliveries fail (set SMTP_URL or EMAIL_TRANSPORT=ses)');
  if (o.allowPrivate)
    logger.warn('WEBHOOK_ALLOW_PRIVATE=true: webhooks may reach private, loopback and link-local addresses');

  const dispatcher = new DeliveryDispatcher({
    store,
    senders: new ChannelSenders(deps.engine, webhook, email),
    metrics,
    logger,
    retrySchedule: o.retrySchedule,
    leaseMs: o.leaseMs,
    maxInFlight: o.maxInFlight,
  });
  const retryLoop = startRetryLoop(dispatcher, { intervalMs: o.pollIntervalMs, logger });
  const consumer = startOutboxConsumer({
    queue: deps.queue,
    store,
    dispatcher,
    metrics,
    logger,
    consumer: o.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    batchSize: o.batchSize,
    claimIdleMs: o.claimIdleMs,
    maxDeliveries: o.maxOutboxDeliveries,
    firstDelayMs: o.retrySchedule[0] ?? 0,
  });

  let stopping: Promise<void> | undefined;
  return {
    wake: () => retryLoop.wake(),
    stop() {
      stopping ??= (async () => {
        await Promise.all([consumer.stop(), retryLoop.stop()]);
        await dispatcher.idle();
        await Promise.all([webhook.close(), email?.close()]);
      })();
      return stopping;
    },
  };
}
