import type { ChannelResult, DataMessage, Position } from '@defi-realtime/protocol';

/** What to do with one data message of a channel. */
export type Offer =
  /** Hand it to the application. `epochChanged`: the channel's history was reset since the last one. */
  | { action: 'deliver'; epochChanged: boolean }
  /** Already delivered (an offset at or below the last one of this epoch). */
  | { action: 'drop' }
  /** Offsets are missing before it: re-subscribe with `since` and hold messages until answered. */
  | { action: 'gap'; since: Position }
  /** Held while a re-subscribe is in flight. */
  | { action: 'held' };

/** What a subscribe/resume answer for this channel means. */
export interface Answer {
  /** Held messages to deliver now, in order (when the server could not replay them). */
  deliver: DataMessage[];
  /** Set when the server's position is ahead of ours on a gap-free stream: events were lost in flight. */
  gapSince?: Position;
}

/**
 * One channel of a subscription, as the client sees it: the position of the last event
 * delivered, and the rules that keep its stream exactly-once and in order:
 * - dedupe: within one epoch an offset is delivered at most once;
 * - gaps: on a stream that skips nothing by design (no filters, throttle or minChangePct)
 *   a jump in offsets means lost events: the caller re-subscribes with `since` while
 *   this holds later messages back.
 */
export class ChannelStream {
  /** The canonical name once the server answered; the name as requested until then. */
  channel: string;
  /** The last event delivered (or the position the server said the stream continues from). */
  position: Position | undefined;
  status: 'pending' | 'subscribed' | 'failed' = 'pending';
  /** True once the server has subscribed it on some connection (it is in the server's resume record). */
  everSubscribed = false;
  /** Messages held while a re-subscribe with `since` is in flight. */
  private held: DataMessage[] | undefined;
  /** Gaps up to this offset are accepted: the server was already asked and could not fill them. */
  private gapFloor: number | undefined;

  constructor(
    /** The name as the application wrote it. */
    readonly requested: string,
    /** True when every offset of the channel reaches this subscriber, so a jump is a loss. */
    readonly gapFree: boolean,
    since?: Position,
  ) {
    this.channel = requested;
    this.position = since;
  }

  /** True while a re-subscribe for a gap is in flight. */
  get resyncing(): boolean {
    return this.held !== undefined;
  }

  /** Decide what to do with a data message. */
  offer(message: DataMessage): Offer {
    if (this.held) {
      this.held.push(message);
      return { action: 'held' };
    }
    const last = this.position;
    const { offset, epoch } = message.position;
    if (last && last.epoch === epoch) {
      if (offset <= last.offset) return { action: 'drop' };
      if (this.gapFree && offset > last.offset + 1 && !(this.gapFloor !== undefined && offset <= this.gapFloor)) {
        this.held = [message];
        this.gapFloor = offset;
        return { action: 'gap', since: last };
      }
    }
    this.position = message.position;
    return { action: 'deliver', epochChanged: last !== undefined && last.epoch !== epoch };
  }

  /** Start holding messages: a re-subscribe from `position` is about to be sent. */
  startResync(): Position | undefined {
    this.held ??= [];
    return this.position;
  }

  /**
   * The server subscribed this channel. With `recovered: true` the replay from our
   * position follows, so held messages are dropped (they are part of it); otherwise
   * they are delivered now, and the stream continues from the server's position.
   */
  answered(result: ChannelResult): Answer {
    this.status = 'subscribed';
    this.everSubscribed = true;
    this.channel = result.channel;
    const held = this.held ?? [];
    this.held = undefined;
    const theirs = result.position;
    if (result.recovered === true) {
      if (theirs && this.position && theirs.epoch === this.position.epoch && theirs.offset > this.position.offset) {
        // A resume record ahead of us. On a gap-free stream that means lost frames: ask
        // for them. Elsewhere the server skipped filtered events we never saw: move on.
        if (this.gapFree) return { deliver: [], gapSince: this.startResync() as Position };
        this.position = theirs;
      }
      return { deliver: [] };
    }
    // Not replayed: what we hold is all there is of that stretch; deliver it, holes and all.
    const deliver = held.filter((message) => this.advance(message));
    if (theirs && (!this.position || this.position.epoch !== theirs.epoch || theirs.offset > this.position.offset))
      this.position = theirs;
    return { deliver };
  }

  /** Move past `message` unless it is a duplicate; true when it is new. */
  private advance(message: DataMessage): boolean {
    const last = this.position;
    if (last && last.epoch === message.position.epoch && message.position.offset <= last.offset) return false;
    this.position = message.position;
    return true;
  }

  /** The connection is gone: held messages go (the re-subscribe replays them), the position stays. */
  reset(): void {
    this.held = undefined;
    if (this.status === 'subscribed') this.status = 'pending';
  }
}
