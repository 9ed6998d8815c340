import type { Logger } from '@defi-realtime/runtime';
import type { ChannelSenders } from './channel-senders';
import type { AttemptResult, ClaimedDelivery, DeliveryStore } from './delivery-store';
import type { DeliveryMetrics } from './metrics';
import type { AttemptMetricOutcome, AttemptOutcome } from './outcome';
import { nextRetryDelay } from './retry-schedule';

export interface DispatcherOptions {
  store: DeliveryStore;
  senders: ChannelSenders;
  metrics: DeliveryMetrics;
  logger: Logger;
  retrySchedule: readonly number[];
  leaseMs: number;
  maxInFlight: number;
}

/**
 * Claims due deliveries and attempts them, at most `maxInFlight` at once in this process.
 * Attempts run in the background (a slow webhook never holds up the outbox consumer or
 * the other deliveries); what does not fit stays due in the table for the retry loop.
 */
export class DeliveryDispatcher {
  readonly #inFlight = new Set<Promise<void>>();
  /** Claimed or being claimed, so capacity counts claims still in the database round trip. */
  #reserved = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /** Free attempt slots in this process. */
  get capacity(): number {
    return Math.max(0, this.options.maxInFlight - this.#reserved);
  }

  /** Attempt at once the due deliveries of these alert events (just recorded from the outbox). */
  dispatchEvents(alertEventIds: readonly string[]): void {
    if (alertEventIds.length === 0) return;
    const claim = this.#claimAndStart({ alertEventIds }).catch((err: unknown) => {
      // They stay due: the retry loop attempts them within its interval.
      this.options.logger.warn({ err, alertEventIds }, 'could not claim new deliveries; the retry loop will');
    });
    this.#track(claim.then(() => undefined));
  }

  /** Claim and start the due deliveries that fit; resolves with how many were claimed. */
  async dispatchDue(): Promise<number> {
    return this.#claimAndStart({});
  }

  /** Resolves when every attempt started so far has finished and recorded its result. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #claimAndStart(filter: { alertEventIds?: readonly string[] }): Promise<number> {
    const limit = this.capacity;
    if (limit === 0) return 0;
    this.#reserved += limit;
    let claimed: ClaimedDelivery[] = [];
    try {
      claimed = await this.options.store.claimDue({ limit, leaseMs: this.options.leaseMs, ...filter });
    } finally {
      this.#reserved -= limit - claimed.length;
    }
    for (const delivery of claimed) {
      this.#track(this.#attempt(delivery).finally(() => (this.#reserved -= 1)));
    }
    return claimed.length;
  }

  #track(promise: Promise<void>): void {
    this.#inFlight.add(promise);
    void promise.finally(() => this.#inFlight.delete(promise));
  }

  async #attempt(delivery: ClaimedDelivery): Promise<void> {
    const { senders, metrics, logger } = this.options;
    const outcome = await senders.attempt(delivery);
    const log = {
      deliveryId: delivery.id,
      alertId: delivery.alertEventId,
      channel: delivery.channel,
      target: delivery.target,
      attempts: delivery.attempts,
    };
    try {
      const recorded = await this.#record(delivery, outcome);
      if (!recorded.kept) {
        logger.warn(log, 'delivery result dropped: the claim was lost (attempt outlasted the lease)');
        return;
      }
      metrics.deliveries.inc({ channel: delivery.channel, outcome: recorded.metric });
      if (recorded.metric === 'succeeded') {
        if (delivery.replayedAt === null)
          metrics.latency.observe({ channel: delivery.channel }, (Date.now() - delivery.firedAt.getTime()) / 1000);
        logger.debug(log, 'alert delivered');
      } else if (recorded.metric === 'retrying') {
        logger.info(
          { ...log, error: errorOf(outcome), delayMs: recorded.delayMs },
          'delivery attempt failed; will retry',
        );
      } else {
        logger.warn({ ...log, status: recorded.metric, error: errorOf(outcome) }, 'delivery ended without success');
      }
    } catch (err) {
      // The lease ends and the delivery is attempted again: at-least-once, never lost.
      logger.error({ ...log, err }, 'could not record a delivery result');
    }
  }

  async #record(
    delivery: ClaimedDelivery,
    outcome: AttemptOutcome,
  ): Promise<{ kept: boolean; metric: AttemptMetricOutcome; delayMs?: number }> {
    const { store } = this.options;
    if (outcome.kind === 'gone') {
      return { kept: await store.markGone(delivery, outcome.statusCode, outcome.error), metric: 'gone' };
    }
    const result = attemptResult(outcome, nextRetryDelay(this.options.retrySchedule, delivery.attempts));
    const kept = await store.complete(delivery, result);
    const metric = result.status === 'succeeded' ? 'succeeded' : result.status === 'retrying' ? 'retrying' : 'dead';
    return { kept, metric, ...(result.status === 'retrying' ? { delayMs: result.delayMs } : {}) };
  }
}

/** The row update for an outcome, given the delay before the next attempt (undefined: schedule exhausted). */
function attemptResult(
  outcome: Exclude<AttemptOutcome, { kind: 'gone' }>,
  nextDelayMs: number | undefined,
): AttemptResult {
  const statusCode = outcome.statusCode === undefined ? {} : { statusCode: outcome.statusCode };
  switch (outcome.kind) {
    case 'succeeded':
      return { status: 'succeeded', ...statusCode };
    case 'permanent':
      return { status: 'dead', error: outcome.error, ...statusCode };
    case 'retry':
      if (nextDelayMs === undefined)
        return { status: 'dead', error: `retries exhausted; last error: ${outcome.error}`, ...statusCode };
      return { status: 'retrying', delayMs: nextDelayMs, error: outcome.error, ...statusCode };
  }
}

function errorOf(outcome: AttemptOutcome): string | undefined {
  return outcome.kind === 'succeeded' ? undefined : outcome.error;
}
