import type { ChannelEvent, Engine, EventHandler } from '@defi-realtime/engine';
import type { Position } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import type { GatewayMetrics } from '../metrics';
import { prepareEvent } from './prepared-event';
import type { Subscription } from './subscription';

interface ChannelEntry {
  readonly subscriptions: Set<Subscription>;
  readonly handler: EventHandler;
  /** Position of the last event this node received live on the channel. */
  last: Position | undefined;
  /** Resolves once the engine delivers this channel to this node. */
  ready: Promise<void>;
}

/**
 * The node's channel -> subscriptions index. The first local subscription to a channel
 * subscribes this node in the engine, the last one leaving unsubscribes it, so a node
 * never receives traffic nobody on it wants. Each event is parsed and framed once here,
 * whatever the number of recipients.
 */
export class ChannelHub {
  private readonly channels = new Map<string, ChannelEntry>();

  constructor(
    private readonly engine: Engine,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  /** Number of engine channels this node is subscribed to. */
  get channelCount(): number {
    return this.channels.size;
  }

  /** Register a subscription; resolves once its channel's live events reach this node. */
  async add(subscription: Subscription): Promise<void> {
    const name = subscription.engineChannel;
    let entry = this.channels.get(name);
    if (!entry) {
      const created: ChannelEntry = {
        subscriptions: new Set(),
        last: undefined,
        handler: (event) => this.dispatch(created, subscription.channel, event),
        ready: Promise.resolve(),
      };
      created.ready = this.engine.subscribe(name, created.handler);
      this.channels.set(name, created);
      entry = created;
    }
    entry.subscriptions.add(subscription);
    try {
      await entry.ready;
    } catch (err) {
      this.remove(subscription);
      throw err;
    }
  }

  /**
   * The position of the last live event this node received on a channel it is subscribed
   * to: every later event will reach it live, so a new subscriber can start there without
   * asking the engine. Undefined when nothing arrived since the node subscribed.
   */
  lastPosition(engineChannel: string): Position | undefined {
    return this.channels.get(engineChannel)?.last;
  }

  /** Unregister; the last subscription leaving a channel unsubscribes the node from it. */
  remove(subscription: Subscription): void {
    subscription.close();
    const name = subscription.engineChannel;
    const entry = this.channels.get(name);
    if (!entry || !entry.subscriptions.delete(subscription) || entry.subscriptions.size > 0) return;
    this.channels.delete(name);
    entry.ready
      .catch(() => undefined)
      .then(() => this.engine.unsubscribe(name, entry.handler))
      .catch((err: unknown) => this.logger.warn({ err, channel: name }, 'engine unsubscribe failed'));
  }

  private dispatch(entry: ChannelEntry, clientChannel: string, event: ChannelEvent): void {
    entry.last = event.position;
    const prepared = prepareEvent(event, clientChannel);
    if (!prepared) {
      this.metrics.invalidEvents.inc();
      this.logger.warn(
        { channel: event.channel, position: event.position },
        'dropped an event that is not a valid envelope',
      );
      return;
    }
    this.metrics.deliveryLatency.observe(Math.max(0, Date.now() - prepared.timestamp));
    for (const subscription of entry.subscriptions) subscription.offer(prepared);
  }
}
