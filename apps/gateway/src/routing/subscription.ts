import type { Filters, Position, SubscribeOptions } from '@defi-realtime/protocol';
import { compileFilter, type EventFilter } from './filter';
import type { PreparedEvent } from './prepared-event';

/** Where a subscription's frames go: the connection. */
export interface FrameSink {
  /** False once the connection is closing: what it is offered then is never sent. */
  readonly accepting: boolean;
  /** Write a frame; false when it was not written (the connection is closing or over its send budget). */
  sendFrame(frame: Buffer): boolean;
}

/**
 * One connection's interest in one channel: its filters, options and delivery state.
 * Filters are compiled at subscribe time; throttling keeps the latest event per key and
 * one timer per subscription; minChangePct compares with what this subscriber last got.
 */
export class Subscription {
  /** The last position this subscription has seen (delivered or filtered out): what resume replays from. */
  position: Position | undefined;
  private readonly filter: EventFilter | undefined;
  private readonly throttleMs: number;
  private readonly minChangePct: number;
  private lastValue: Map<string, number> | undefined;
  private lastSentAt: Map<string, number> | undefined;
  private pending: Map<string, PreparedEvent> | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Live events held back while history is being replayed (see `startRecovery`). */
  private held: PreparedEvent[] | undefined;

  constructor(
    private readonly sink: FrameSink,
    /** The canonical name the client knows (`alerts`, `prices`). */
    readonly channel: string,
    /** The engine channel behind it (`alerts:<owner>` for `alerts`). */
    readonly engineChannel: string,
    readonly filters: Filters | undefined,
    readonly options: SubscribeOptions,
  ) {
    this.filter = compileFilter(filters);
    this.throttleMs = options.throttleMs ?? 0;
    this.minChangePct = options.minChangePct ?? 0;
  }

  /** A live event from the hub. */
  offer(event: PreparedEvent): void {
    if (this.held) this.held.push(event);
    else this.accept(event);
  }

  /** Hold live events until `finishRecovery`, so replayed history and live never interleave. */
  startRecovery(): void {
    this.held = [];
  }

  /** Deliver the replayed events, then the held live ones not already covered by them. */
  finishRecovery(replayed: PreparedEvent[], from: Position | undefined): void {
    const held = this.held ?? [];
    this.held = undefined;
    this.position = from;
    for (const event of replayed) this.accept(event);
    for (const event of held) this.accept(event);
  }

  /**
   * Stop timers. Pending conflated events are dropped, and the position moves back to just
   * before the oldest of them, so a `resume` replays what the client was never sent.
   */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const event of this.pending?.values() ?? []) this.rewindBefore(event);
    this.pending = undefined;
  }

  private rewindBefore(event: PreparedEvent): void {
    const { offset, epoch } = event.position;
    if (this.position?.epoch === epoch && offset <= this.position.offset) this.position = { offset: offset - 1, epoch };
  }

  private accept(event: PreparedEvent): void {
    // A closing connection keeps the position of what it was sent, so `resume` replays the rest.
    if (!this.sink.accepting) return;
    const seen = this.position;
    // Replay and live overlap by design; an offset already seen in this epoch is a duplicate.
    if (seen && seen.epoch === event.position.epoch && event.position.offset <= seen.offset) return;
    this.position = event.position;
    if (this.filter && !this.filter(event)) return;
    if (this.throttleMs > 0 && event.type !== 'alert') this.throttle(event);
    else this.deliver(event);
  }

  private deliver(event: PreparedEvent): void {
    if (this.minChangePct > 0 && event.value !== undefined) {
      this.lastValue ??= new Map();
      const last = this.lastValue.get(event.key);
      if (last !== undefined && last !== 0 && (Math.abs(event.value - last) / Math.abs(last)) * 100 < this.minChangePct)
        return;
      this.lastValue.set(event.key, event.value);
    }
    if (!this.sink.sendFrame(event.frame)) this.rewindBefore(event);
  }

  private throttle(event: PreparedEvent): void {
    this.lastSentAt ??= new Map();
    this.pending ??= new Map();
    const now = Date.now();
    const sentAt = this.lastSentAt.get(event.key);
    if (!this.pending.has(event.key) && (sentAt === undefined || now - sentAt >= this.throttleMs)) {
      this.lastSentAt.set(event.key, now);
      this.deliver(event);
      return;
    }
    this.pending.set(event.key, event); // conflate: keep only the latest per key
    this.schedule(now);
  }

  private schedule(now: number): void {
    if (this.timer || !this.pending?.size) return;
    let due = Infinity;
    for (const key of this.pending.keys()) due = Math.min(due, (this.lastSentAt?.get(key) ?? 0) + this.throttleMs);
    this.timer = setTimeout(() => this.flush(), Math.max(0, due - now));
  }

  private flush(): void {
    this.timer = undefined;
    if (!this.pending || !this.lastSentAt) return;
    const now = Date.now();
    for (const [key, event] of this.pending) {
      if (now - (this.lastSentAt.get(key) ?? 0) < this.throttleMs) continue;
      this.pending.delete(key);
      this.lastSentAt.set(key, now);
      this.deliver(event);
    }
    this.schedule(now);
  }
}
