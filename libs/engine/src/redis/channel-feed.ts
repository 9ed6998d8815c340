import type { Position } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/redis';
import type { ChannelEvent, EventHandler, HistoryResult } from '../engine';
import { dispatch } from '../handlers';
import { parseLiveMessage } from './live-message';

/** Counters of what the live path dropped or repaired (exposed as RedisEngine.stats). */
export interface FeedStats {
  malformedMessages: number;
  handlerErrors: number;
  duplicatesDropped: number;
  gapsFilled: number;
  gapsUnrecoverable: number;
}

export function emptyFeedStats(): FeedStats {
  return { malformedMessages: 0, handlerErrors: 0, duplicatesDropped: 0, gapsFilled: 0, gapsUnrecoverable: 0 };
}

export interface FeedDeps {
  /** History after a position (used to fill a gap in the live stream). */
  fetchSince(since: Position): Promise<HistoryResult>;
  logger: Logger;
  stats: FeedStats;
}

/**
 * One channel's live events on this node, handed to its handlers gap-free and in order.
 * Pub/sub is at-most-once: messages published while the subscriber connection was
 * reconnecting are lost. When an offset jumps, the missing events are read from history
 * (which the publish script wrote before publishing) and delivered first; live messages
 * arriving meanwhile wait, and ones already delivered are dropped.
 */
export class ChannelFeed {
  readonly handlers = new Set<EventHandler>();
  /** Resolves once Redis confirmed the subscription. */
  ready: Promise<void> = Promise.resolve();
  private last: Position | undefined;
  private readonly pending: ChannelEvent[] = [];
  private filling = false;
  private acceptGap = false;

  constructor(
    readonly channel: string,
    private readonly deps: FeedDeps,
  ) {}

  /** The pub/sub listener: validate one raw live message and take it in. */
  readonly onMessage = (message: string): void => {
    const event = parseLiveMessage(this.channel, message);
    if (event) return this.push(event);
    this.deps.stats.malformedMessages++;
    this.deps.logger.warn({ channel: this.channel, sample: message.slice(0, 80) }, 'malformed live message dropped');
  };

  push(event: ChannelEvent): void {
    this.pending.push(event);
    this.drain();
  }

  private drain(): void {
    while (!this.filling && this.pending.length > 0) {
      const event = this.pending[0] as ChannelEvent;
      const last = this.last;
      if (last && !this.acceptGap && event.position.epoch === last.epoch && event.position.offset > last.offset + 1) {
        this.fill(last);
        return;
      }
      this.acceptGap = false;
      this.pending.shift();
      this.accept(event);
    }
  }

  private accept(event: ChannelEvent): void {
    const last = this.last;
    if (last && event.position.epoch === last.epoch && event.position.offset <= last.offset) {
      this.deps.stats.duplicatesDropped++;
      return;
    }
    this.last = event.position;
    this.deps.stats.handlerErrors += dispatch(this.handlers, event, this.deps.logger);
  }

  private fill(since: Position): void {
    this.filling = true;
    const { stats, logger } = this.deps;
    this.deps
      .fetchSince(since)
      .then((result) => {
        if (!result.recovered) throw new Error('history no longer covers the gap');
        stats.gapsFilled++;
        for (const event of result.events) this.accept(event);
      })
      .catch((error: unknown) => {
        stats.gapsUnrecoverable++;
        // Deliver what came next anyway: a later event beats silence; the gap is logged.
        this.acceptGap = true;
        logger.warn({ err: error, channel: this.channel, since }, 'live events lost: gap could not be filled');
      })
      .finally(() => {
        this.filling = false;
        this.drain();
      });
  }
}
