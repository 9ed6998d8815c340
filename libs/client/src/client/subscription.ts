import type { DataMessage, Filters, Position, SnapshotMessage, SubscribeOptions } from '@defi-realtime/protocol';
import { ChannelStream } from './channel-stream';
import { Emitter } from './emitter';
import { clientError, type RealtimeError } from './errors';
import { SubscriptionState, type StateChange } from './states';
import { UpdateQueue } from './update-queue';

/** One update: a data message exactly as the server sent it (`price_update`, `tvl_update`, `protocol_update`, `alert`). */
export type Update = DataMessage;

/** Why a subscription had to recover. */
export type RecoveryReason = 'resume' | 'since' | 'gap' | 'epoch';

/** The payload of a `recovered` event: was everything missed replayed? */
export interface RecoveredEvent {
  /** True when every channel got all the events it missed; false: reload state (REST or a snapshot). */
  recovered: boolean;
  /** `resume`/`since`: after a reconnect; `gap`: a hole in the live stream; `epoch`: the server lost the channel's history. */
  reason: RecoveryReason;
  /** Per canonical channel. */
  channels: Record<string, boolean>;
}

export interface SubscriptionEvents {
  state: StateChange<SubscriptionState>;
  update: Update;
  snapshot: SnapshotMessage;
  /** A channel refused, a request that failed; `error.channel` names the channel when there is one. */
  error: RealtimeError;
  recovered: RecoveredEvent;
}

/** What `client.subscribe` takes besides the channels. */
export interface SubscribeInit {
  /** Server-side filters (docs/protocol.md#filters-and-options). */
  filters?: Filters;
  /** `throttleMs`, `minChangePct`, `snapshot`. */
  options?: SubscribeOptions;
  /** Start after these positions (e.g. saved from a previous run): the missed events are replayed first. */
  since?: Record<string, Position>;
}

/** What a subscription needs from its client. */
export interface SubscriptionHost {
  unsubscribe(subscription: Subscription): void;
}

interface Round {
  reason: RecoveryReason;
  waiting: Set<ChannelStream>;
  channels: Record<string, boolean>;
}

/**
 * A set of channels with one set of filters and options. Emits `update` per event (also
 * readable with `for await`), `state`, `error`, `snapshot` and `recovered`. Methods and
 * fields starting with `_` belong to the client.
 */
export class Subscription extends Emitter<SubscriptionEvents> implements AsyncIterable<Update> {
  readonly filters: Filters | undefined;
  readonly options: SubscribeOptions | undefined;
  /** @internal */
  readonly _streams: ChannelStream[];
  #state = SubscriptionState.Subscribing;
  #error: RealtimeError | undefined;
  #recovered: boolean | undefined;
  #round: Round | undefined;
  readonly #queues = new Set<UpdateQueue<Update>>();

  /** @internal Use `client.subscribe()`. */
  constructor(
    private readonly host: SubscriptionHost,
    channels: readonly string[],
    init: SubscribeInit,
  ) {
    super();
    this.filters = init.filters;
    this.options = init.options;
    const o = init.options;
    // Filtered or conflated streams skip offsets by design: only plain ones can see a loss.
    const gapFree = init.filters === undefined && !o?.throttleMs && !o?.minChangePct;
    const since = new Map(
      Object.entries(init.since ?? {}).map(([channel, position]) => [channel.toLowerCase(), position]),
    );
    this._streams = channels.map((channel) => new ChannelStream(channel, gapFree, since.get(channel.toLowerCase())));
  }

  get state(): SubscriptionState {
    return this.#state;
  }

  /** Why the subscription failed (state `failed`). */
  get error(): RealtimeError | undefined {
    return this.#error;
  }

  /** The outcome of the last recovery: undefined until one happened. */
  get recovered(): boolean | undefined {
    return this.#recovered;
  }

  /** The channels, by canonical name once the server answered; refused ones are left out. */
  get channels(): string[] {
    return this._streams.filter((s) => s.status !== 'failed').map((s) => s.channel);
  }

  /** The position of the last event delivered per channel: save it to resume a later run with `since`. */
  positions(): Record<string, Position> {
    const positions: Record<string, Position> = {};
    for (const stream of this._streams) if (stream.position) positions[stream.channel] = { ...stream.position };
    return positions;
  }

  /** Resolves once subscribed; rejects if the subscription fails or ends first. */
  ready(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (this.#state === SubscriptionState.Subscribed) resolve();
        else if (this.#state === SubscriptionState.Failed) reject(this.#error);
        else if (this.#state === SubscriptionState.Unsubscribed)
          reject(clientError('CLIENT_CLOSED', { message: 'unsubscribed before the server answered' }));
        else return false;
        return true;
      };
      if (check()) return;
      const listener = (): void => {
        if (check()) this.off('state', listener);
      };
      this.on('state', listener);
    });
  }

  /** Leave every channel of this subscription. */
  unsubscribe(): void {
    if (this._isFinal()) return;
    this.host.unsubscribe(this);
  }

  /** Iterate over updates from now on; the loop ends on unsubscribe or close, and throws if the subscription fails. */
  [Symbol.asyncIterator](): AsyncIterator<Update> {
    const queue = new UpdateQueue<Update>((q) => this.#queues.delete(q));
    if (this.#state === SubscriptionState.Failed) queue.fail(this.#error);
    else if (this.#state === SubscriptionState.Unsubscribed) queue.end();
    else this.#queues.add(queue);
    return queue;
  }

  /** @internal True once unsubscribed or failed. */
  _isFinal(): boolean {
    return this.#state === SubscriptionState.Unsubscribed || this.#state === SubscriptionState.Failed;
  }

  /** @internal One new event. */
  _deliver(update: Update): void {
    this.emit('update', update);
    for (const queue of this.#queues) queue.push(update);
  }

  /** @internal */
  _snapshot(message: SnapshotMessage): void {
    this.emit('snapshot', message);
  }

  /** @internal Report an error that does not end the subscription. */
  _warn(error: RealtimeError): void {
    this.emit('error', error);
  }

  /** @internal Streams re-subscribed for `reason`: `recovered` is emitted once all of them are answered. */
  _beginRound(reason: RecoveryReason, streams: ChannelStream[]): void {
    if (streams.length === 0) return;
    if (this.#round) {
      for (const stream of streams) this.#round.waiting.add(stream);
      if (reason !== 'gap') this.#round.reason = reason;
      return;
    }
    this.#round = { reason, waiting: new Set(streams), channels: {} };
  }

  /** @internal The server subscribed `stream`; `recovered` as it answered (absent: nothing was asked). */
  _answered(stream: ChannelStream, recovered: boolean | undefined): void {
    if (this.#state === SubscriptionState.Subscribing) this._setState(SubscriptionState.Subscribed);
    this.#settle(stream, recovered ?? true);
  }

  /** @internal The server (or the client) refused `stream` for good. */
  _channelFailed(stream: ChannelStream, error: RealtimeError): void {
    stream.status = 'failed';
    this.emit('error', error);
    this.#settle(stream, false);
    if (this._streams.every((s) => s.status === 'failed')) this._end(SubscriptionState.Failed, error);
  }

  /** @internal The channel's history was reset under a live stream: what happened in between is unknown. */
  _epochChanged(stream: ChannelStream): void {
    this.#report({ recovered: false, reason: 'epoch', channels: { [stream.channel]: false } });
  }

  /** @internal The connection is gone; positions are kept for the recovery. */
  _connectionLost(): void {
    for (const stream of this._streams) stream.reset();
    this.#round = undefined;
    if (this.#state === SubscriptionState.Subscribed) this._setState(SubscriptionState.Subscribing);
  }

  /** @internal Final states: queues end (or throw), no more events but this `state`. */
  _end(state: SubscriptionState.Unsubscribed | SubscriptionState.Failed, error?: RealtimeError): void {
    if (this._isFinal()) return;
    this.#round = undefined;
    if (error) this.#error = error;
    this._setState(state, error);
    for (const queue of this.#queues) {
      if (state === SubscriptionState.Failed) queue.fail(error);
      else queue.end();
    }
    this.#queues.clear();
  }

  /** @internal The one place the state changes. */
  _setState(state: SubscriptionState, error?: RealtimeError): void {
    const old = this.#state;
    if (old === state) return;
    this.#state = state;
    this.emit('state', error ? { old, new: state, error } : { old, new: state });
  }

  #settle(stream: ChannelStream, recovered: boolean): void {
    const round = this.#round;
    if (!round || !round.waiting.delete(stream)) return;
    round.channels[stream.channel] = recovered;
    if (round.waiting.size > 0) return;
    this.#round = undefined;
    this.#report({
      recovered: Object.values(round.channels).every(Boolean),
      reason: round.reason,
      channels: round.channels,
    });
  }

  #report(event: RecoveredEvent): void {
    this.#recovered = event.recovered;
    this.emit('recovered', event);
  }
}
