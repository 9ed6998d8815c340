import { principalMayUse } from '@defi-realtime/auth';
import {
  engineChannel,
  normalizeChannel,
  type ChannelResult,
  type ClientMessageId,
  type Filters,
  type Position,
  type SnapshotEntry,
  type SubscribeOptions,
} from '@defi-realtime/protocol';
import type { GatewayContext } from '../context';
import { prepareEvent, type PreparedEvent } from '../routing/prepared-event';
import { Subscription } from '../routing/subscription';
import type { Connection } from './connection';

/** One channel to subscribe, with its own filters, options and recovery position. */
export interface ChannelRequest {
  channel: string;
  filters: Filters | undefined;
  options: SubscribeOptions;
  since: Position | undefined;
}

/** What is sent after `subscription_result`, in order, once every channel is ready. */
interface Ready {
  subscription: Subscription;
  snapshot: SnapshotEntry[] | undefined;
  replay: PreparedEvent[];
  from: Position | undefined;
}

/**
 * Subscribe a connection to channels (a `subscribe` message, or a `resume`). Per channel:
 * register in the hub with live events held back, then read the history (the missed
 * events when `since` was given, or just the current position), and only then answer:
 * `subscription_result`, snapshots, replayed events, held live events. So a client sees
 * its result before any data, and replay and live never interleave or repeat.
 */
export async function subscribeChannels(
  ctx: GatewayContext,
  connection: Connection,
  requests: ChannelRequest[],
  id: ClientMessageId | undefined,
): Promise<void> {
  const principal = connection.principal!;
  const results: ChannelResult[] = [];
  const ready: Ready[] = [];
  // One channel named twice (`prices` and `events:prices`) is subscribed once, else its replay would be sent twice.
  const firstIndex = new Map<string, number>();
  const repeats: Array<[index: number, first: number]> = [];

  await Promise.all(
    requests.map(async (request, index) => {
      const normalized = normalizeChannel(request.channel);
      if (!normalized.ok) {
        results[index] = fail(request.channel, normalized.code, normalized.reason);
        return;
      }
      const channel = normalized.channel;
      const first = firstIndex.get(channel);
      if (first !== undefined) {
        repeats.push([index, first]);
        return;
      }
      firstIndex.set(channel, index);
      if (!principalMayUse(principal, channel)) {
        results[index] = fail(channel, 'FORBIDDEN', `your credentials do not allow '${channel}'`);
        return;
      }
      const previous = connection.subscriptions.get(channel);
      if (!previous && connection.subscriptions.size >= principal.limits.maxChannelsPerConnection) {
        results[index] = fail(
          channel,
          'LIMIT_EXCEEDED',
          `at most ${principal.limits.maxChannelsPerConnection} channels per connection on the ${principal.tier} tier`,
        );
        return;
      }
      const subscription = new Subscription(
        connection,
        channel,
        engineChannel(channel, principal.owner),
        request.filters,
        request.options,
      );
      // Re-subscribing replaces filters and options; the position carries over.
      if (previous) {
        subscription.position = previous.position;
        ctx.hub.remove(previous);
      }
      connection.subscriptions.set(channel, subscription);
      try {
        const outcome = await prepare(ctx, subscription, request.since);
        ready.push({ subscription, ...outcome });
        results[index] = {
          channel,
          status: 'subscribed',
          ...(outcome.from ? { position: outcome.from } : {}),
          ...(request.since ? { recovered: outcome.recovered } : {}),
        };
      } catch (err) {
        if (connection.subscriptions.get(channel) === subscription) connection.subscriptions.delete(channel);
        ctx.hub.remove(subscription);
        ctx.logger.error({ err, channel, connectionId: connection.id }, 'subscribe failed');
        results[index] = fail(channel, 'UNAVAILABLE', 'the channel could not be subscribed right now; retry');
      }
    }),
  );

  for (const [index, first] of repeats) results[index] = results[first]!;

  if (connection.state === 'closing') {
    // The client left while we waited on the engine: undo, nobody will read this.
    for (const { subscription } of ready) ctx.hub.remove(subscription);
    return;
  }
  connection.send({ type: 'subscription_result', ...(id === undefined ? {} : { id }), results });
  for (const { subscription, snapshot, replay, from } of ready) {
    if (snapshot)
      connection.send({
        type: 'snapshot',
        ...(id === undefined ? {} : { id }),
        channel: subscription.channel,
        ...(from ? { position: from } : {}),
        data: snapshot,
      });
    subscription.finishRecovery(replay, from);
  }
}

async function prepare(ctx: GatewayContext, subscription: Subscription, since: Position | undefined) {
  subscription.startRecovery();
  await ctx.hub.add(subscription);
  const channel = subscription.engineChannel;
  let replay: PreparedEvent[] = [];
  let from: Position | undefined;
  let recovered = false;
  if (since) {
    const history = await ctx.engine.history(channel, { since, limit: ctx.config.RECOVERY_MAX_EVENTS });
    recovered = history.recovered;
    if (recovered) {
      replay = prepareAll(history.events, subscription.channel);
      from = since;
    } else {
      from = history.position;
    }
  }
  let snapshot: SnapshotEntry[] | undefined;
  if (subscription.options.snapshot) {
    const recent = await ctx.engine.history(channel, { limit: ctx.config.SNAPSHOT_DEPTH });
    snapshot = latestPerKey(prepareAll(recent.events, subscription.channel));
    from ??= recent.position;
  }
  // A channel this node already receives: its last live event is where this subscriber
  // starts (all later ones reach it live). Saves a Redis round trip per subscribe.
  from ??= ctx.hub.lastPosition(channel) ?? (await ctx.engine.history(channel, { limit: 0 })).position;
  return { replay, from, recovered, snapshot };
}

function prepareAll(events: Parameters<typeof prepareEvent>[0][], clientChannel: string): PreparedEvent[] {
  const prepared: PreparedEvent[] = [];
  for (const event of events) {
    const one = prepareEvent(event, clientChannel);
    if (one) prepared.push(one);
  }
  return prepared;
}

/** The current value per key (token, protocol) from recent history, oldest key first. */
function latestPerKey(events: PreparedEvent[]): SnapshotEntry[] {
  const latest = new Map<string, PreparedEvent>();
  for (const event of events) {
    latest.delete(event.key);
    latest.set(event.key, event);
  }
  return [...latest.values()].map((event) => {
    const { type, timestamp, data } = JSON.parse(event.text) as SnapshotEntry;
    return { type, timestamp, data } as SnapshotEntry;
  });
}

function fail(channel: string, code: string, message: string): ChannelResult {
  return { channel, status: 'error', error: { code, message } } as ChannelResult;
}
