import type { Position } from '@defi-realtime/protocol';
import type { ChannelEvent } from '../engine';
import { newEpoch } from '../ids';
import { RingBuffer } from './ring-buffer';

/** History bounds, as the publishing engine configured them. */
export interface LogLimits {
  historySize: number;
  historyTtlMs: number;
}

/**
 * One channel's stream in memory, with the same lifetime rules as the Redis layout: the
 * events expire `historyTtlMs` after the last publish, the offset/epoch ("meta") twice
 * that, after which the channel starts over with a new epoch.
 */
export class ChannelLog {
  readonly epoch = newEpoch();
  private top = 0;
  private readonly ring: RingBuffer<ChannelEvent>;
  private historyExpiresAt = 0;
  private metaExpiresAt: number;

  constructor(
    readonly channel: string,
    limits: LogLimits,
    now: number,
  ) {
    this.ring = new RingBuffer(limits.historySize);
    this.metaExpiresAt = now + 2 * limits.historyTtlMs;
  }

  get position(): Position {
    return { offset: this.top, epoch: this.epoch };
  }

  /** False once the meta expired: the owner drops this log and starts a new epoch. */
  isAlive(now: number): boolean {
    if (now >= this.metaExpiresAt) return false;
    if (now >= this.historyExpiresAt && this.ring.size > 0) this.ring.clear();
    return true;
  }

  append(payload: string, limits: LogLimits, now: number): ChannelEvent {
    this.ring.resize(limits.historySize);
    this.top++;
    const event: ChannelEvent = { channel: this.channel, position: { offset: this.top, epoch: this.epoch }, payload };
    this.ring.push(event);
    this.historyExpiresAt = now + limits.historyTtlMs;
    this.metaExpiresAt = now + 2 * limits.historyTtlMs;
    return event;
  }

  /** Events with offset > `since`, oldest first, at most `max` (may start later if trimmed). */
  after(since: number, max: number): ChannelEvent[] {
    const oldest = this.top - this.ring.size + 1;
    return this.ring.slice(since + 1 - oldest, max);
  }

  /** The newest `max` events, oldest first. */
  latest(max: number): ChannelEvent[] {
    return this.ring.slice(this.ring.size - max, max);
  }
}
