import type {
  ChannelResult,
  DataMessage,
  ErrorMessage,
  ServerMessage,
  SubscriptionResultMessage,
  WelcomeMessage,
} from '@defi-realtime/protocol';
import { backoffDelay } from './backoff';
import { ChangePacer } from './change-pacer';
import type { ChannelStream } from './channel-stream';
import type { Connection } from './connection';
import { RealtimeError, clientError, isTemporaryRefusal } from './errors';
import { SubscriptionState } from './states';
import type { RecoveryReason, Subscription } from './subscription';

/** A saved session: what `resume` needs, and until when it works. */
export interface ResumeTicket {
  token: string;
  at: number;
  windowMs: number;
}

export interface RouterSettings {
  /** Delays of retried refusals (UNAVAILABLE, RATE_LIMITED) follow the reconnect backoff. */
  minDelayMs: number;
  maxDelayMs: number;
  random: () => number;
  /** Errors that concern the client rather than one subscription. */
  onError(error: RealtimeError): void;
  onAnnouncement(message: Extract<ServerMessage, { type: 'system_announcement' }>): void;
}

type Route = { subscription: Subscription; stream: ChannelStream };
type Pending =
  | { kind: 'subscribe'; subscription: Subscription; streams: ChannelStream[] }
  | { kind: 'resume'; subscriptions: Subscription[] };

/**
 * The subscriptions' side of the client: which channel belongs to which subscription,
 * the requests in flight, and the traffic that keeps each channel complete across
 * connections (resume or `since` after a reconnect, re-subscribe on a gap, retries of
 * temporary refusals), paced to the server's subscription-change limit.
 */
export class SubscriptionRouter {
  readonly subscriptions = new Set<Subscription>();
  readonly #routes = new Map<string, Route>();
  readonly #pending = new Map<number, Pending>();
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  readonly #pacer = new ChangePacer();
  #nextId = 1;
  #connection: Connection | undefined;

  constructor(private readonly settings: RouterSettings) {}

  /** A new welcomed connection: restore every subscription on it (see `restore`). */
  attach(connection: Connection, welcome: WelcomeMessage, ticket: ResumeTicket | undefined): void {
    this.#connection = connection;
    this.#pacer.reset(welcome.limits.subscriptionChangesPerMinute);
    this.#restore(ticket);
  }

  /** The connection is gone: requests in flight are forgotten, positions kept. */
  detach(): void {
    this.#stop();
    for (const subscription of this.subscriptions) subscription._connectionLost();
  }

  /** End every subscription (client closed or failed). */
  endAll(state: SubscriptionState.Unsubscribed | SubscriptionState.Failed, error?: RealtimeError): void {
    this.#stop();
    for (const subscription of this.subscriptions) subscription._end(state, error);
    this.subscriptions.clear();
    this.#routes.clear();
  }

  /** A new subscription: sent now when connected, else at the next `attach`. */
  add(subscription: Subscription): void {
    this.subscriptions.add(subscription);
    if (this.#connection) this.#resubscribe(subscription, subscription._streams, 'since');
  }

  /** The application left `subscription`. */
  remove(subscription: Subscription): void {
    const channels = subscription._streams.filter((s) => s.status === 'subscribed').map((s) => s.channel);
    this.#forget(subscription);
    subscription._end(SubscriptionState.Unsubscribed);
    if (channels.length > 0) this.#sendUnsubscribe(channels);
  }

  /** A server message of the current connection. */
  handle(message: ServerMessage): void {
    switch (message.type) {
      case 'subscription_result':
        return this.#onResult(message);
      case 'price_update':
      case 'tvl_update':
      case 'protocol_update':
      case 'alert':
        return this.#onData(message);
      case 'snapshot': {
        const route = this.#routes.get(message.channel);
        if (route && !route.subscription._isFinal()) route.subscription._snapshot(message);
        return;
      }
      case 'error':
        return this.#onServerError(message);
      case 'system_announcement':
        return this.settings.onAnnouncement(message);
      default:
        return; // pong (the watchdog already counted it), a repeated welcome
    }
  }

  /**
   * Get every subscription back on a new connection. `resume` when the last connection
   * ended with a deliberate server close inside the recovery window (one message,
   * restores filters and options, replays what was missed); otherwise `subscribe` with
   * `since` per channel from the positions this client actually received.
   */
  #restore(ticket: ResumeTicket | undefined): void {
    const active = [...this.subscriptions];
    const known = (s: ChannelStream): boolean => s.everSubscribed && s.status !== 'failed';
    if (ticket && Date.now() - ticket.at <= ticket.windowMs && active.some((sub) => sub._streams.some(known))) {
      const id = this.#nextId++;
      for (const subscription of active) subscription._beginRound('resume', subscription._streams.filter(known));
      this.#pending.set(id, { kind: 'resume', subscriptions: active });
      this.#connection?.send({ type: 'resume', id, resumeToken: ticket.token });
      return;
    }
    for (const subscription of active) this.#resubscribe(subscription, pendingStreams(subscription), 'since');
  }

  /** Subscribe `streams`: those with a position with `since` (and no snapshot: it would predate the replay), the others as asked. */
  #resubscribe(subscription: Subscription, streams: ChannelStream[], reason: RecoveryReason): void {
    const positioned = streams.filter((s) => s.position !== undefined);
    subscription._beginRound(reason, positioned);
    this.#sendSubscribe(subscription, positioned, true);
    this.#sendSubscribe(
      subscription,
      streams.filter((s) => s.position === undefined),
      false,
    );
  }

  #sendSubscribe(subscription: Subscription, streams: ChannelStream[], withSince: boolean): void {
    if (streams.length === 0) return;
    this.#pacer.run(() => {
      const connection = this.#connection;
      const live = streams.filter((s) => s.status !== 'failed');
      if (!connection || subscription._isFinal() || live.length === 0) return false;
      const id = this.#nextId++;
      const { snapshot, ...rest } = subscription.options ?? {};
      const options = withSince ? rest : { ...rest, ...(snapshot === undefined ? {} : { snapshot }) };
      const since = withSince ? Object.fromEntries(live.map((s) => [s.channel, s.position])) : undefined;
      try {
        connection.send({
          type: 'subscribe',
          id,
          channels: live.map((s) => s.channel),
          ...(subscription.filters ? { filters: subscription.filters } : {}),
          ...(Object.keys(options).length > 0 ? { options } : {}),
          ...(since ? { since } : {}),
        });
      } catch (err) {
        for (const stream of live) this.#channelFailed(subscription, stream, err as RealtimeError);
        return false;
      }
      this.#pending.set(id, { kind: 'subscribe', subscription, streams: live });
      return true;
    });
  }

  #sendUnsubscribe(channels: string[]): void {
    this.#pacer.run(() => {
      if (!this.#connection) return false;
      this.#connection.send({ type: 'unsubscribe', id: this.#nextId++, channels });
      return true;
    });
  }

  #forget(subscription: Subscription): void {
    this.subscriptions.delete(subscription);
    for (const stream of subscription._streams) {
      if (this.#routes.get(stream.channel)?.stream === stream) this.#routes.delete(stream.channel);
    }
  }

  #onData(message: DataMessage): void {
    const route = this.#routes.get(message.channel);
    if (!route || route.subscription._isFinal()) return;
    const { subscription, stream } = route;
    const offer = stream.offer(message);
    if (offer.action === 'deliver') {
      if (offer.epochChanged) subscription._epochChanged(stream);
      subscription._deliver(message);
    } else if (offer.action === 'gap') {
      subscription._beginRound('gap', [stream]);
      this.#sendSubscribe(subscription, [stream], true);
    }
  }

  #onResult(message: SubscriptionResultMessage): void {
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
    if (!pending) return;
    this.#pending.delete(message.id as number);
    if (pending.kind === 'subscribe') {
      pending.streams.forEach((stream, index) =>
        this.#applyResult(pending.subscription, stream, message.results[index]),
      );
      return;
    }
    const answered = new Set<ChannelStream>();
    const strays: string[] = [];
    for (const result of message.results) {
      const route = this.#routes.get(result.channel);
      if (!route || route.subscription._isFinal()) {
        if (result.status === 'subscribed') strays.push(result.channel);
        continue;
      }
      answered.add(route.stream);
      this.#applyResult(route.subscription, route.stream, result);
    }
    // Left while we were away: the server restored them all the same.
    if (strays.length > 0) this.#sendUnsubscribe(strays);
    for (const subscription of pending.subscriptions) {
      if (subscription._isFinal()) continue;
      this.#resubscribe(
        subscription,
        pendingStreams(subscription).filter((s) => !answered.has(s)),
        'since',
      );
    }
  }

  #applyResult(subscription: Subscription, stream: ChannelStream, result: ChannelResult | undefined): void {
    if (subscription._isFinal()) {
      if (result?.status === 'subscribed' && !this.#routes.has(result.channel)) this.#sendUnsubscribe([result.channel]);
      return;
    }
    if (!result || result.status === 'error') {
      const code = result?.error?.code ?? 'INTERNAL';
      const text = result?.error?.message ?? 'the server did not answer for this channel';
      const error = new RealtimeError(code, `${stream.channel}: ${text}`, {
        temporary: isTemporaryRefusal(code),
        channel: result?.channel ?? stream.channel,
      });
      if (!error.temporary) return this.#channelFailed(subscription, stream, error);
      subscription._warn(error);
      return this.#retryLater(subscription, [stream]);
    }
    if (result.status !== 'subscribed') return;
    const holder = this.#routes.get(result.channel);
    if (holder && holder.stream !== stream && holder.subscription !== subscription && !holder.subscription._isFinal()) {
      this.#channelFailed(
        holder.subscription,
        holder.stream,
        clientError('DUPLICATE_CHANNEL', {
          channel: result.channel,
          message: `'${result.channel}' was subscribed again by another subscription; the server now applies that one's filters and options`,
        }),
      );
    }
    if (this.#routes.get(stream.channel)?.stream === stream) this.#routes.delete(stream.channel);
    const answer = stream.answered(result);
    this.#routes.set(result.channel, { subscription, stream });
    if (answer.gapSince) this.#sendSubscribe(subscription, [stream], true);
    else subscription._answered(stream, result.recovered);
    for (const message of answer.deliver) subscription._deliver(message);
  }

  #onServerError(message: ErrorMessage): void {
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
    const error = new RealtimeError(message.code, message.message, {
      temporary: isTemporaryRefusal(message.code) || message.code === 'RESUME_FAILED',
      ...(message.field === undefined ? {} : { field: message.field }),
    });
    if (!pending) return this.settings.onError(error);
    this.#pending.delete(message.id as number);
    if (pending.kind === 'resume') {
      // Expired, already used, or the server died before saving it: `since` does the same job.
      this.settings.onError(error);
      for (const subscription of pending.subscriptions) {
        if (!subscription._isFinal()) this.#resubscribe(subscription, pendingStreams(subscription), 'since');
      }
      return;
    }
    if (error.temporary) {
      pending.subscription._warn(error);
      return this.#retryLater(pending.subscription, pending.streams);
    }
    for (const stream of pending.streams) this.#channelFailed(pending.subscription, stream, error);
  }

  #channelFailed(subscription: Subscription, stream: ChannelStream, error: RealtimeError): void {
    if (this.#routes.get(stream.channel)?.stream === stream) this.#routes.delete(stream.channel);
    subscription._channelFailed(stream, error);
    if (subscription._isFinal()) this.#forget(subscription);
  }

  /** A refusal that may pass (UNAVAILABLE, RATE_LIMITED): ask again after a backoff. */
  #retryLater(subscription: Subscription, streams: ChannelStream[]): void {
    const delay = backoffDelay(3, this.settings.minDelayMs, this.settings.maxDelayMs, this.settings.random) + 250;
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      if (this.#connection && !subscription._isFinal())
        this.#resubscribe(
          subscription,
          streams.filter((s) => s.status !== 'failed'),
          'since',
        );
    }, delay);
    this.#retryTimers.add(timer);
  }

  #stop(): void {
    this.#connection = undefined;
    this.#pending.clear();
    this.#pacer.stop();
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#retryTimers.clear();
  }
}

/** The streams of a subscription still waiting for the server. */
function pendingStreams(subscription: Subscription): ChannelStream[] {
  return subscription._streams.filter((s) => s.status === 'pending');
}
