import type { Position } from '@defi-realtime/protocol';
import { silentLogger, type Logger } from '@defi-realtime/redis';
import type {
  ChannelEvent,
  Engine,
  EngineOptions,
  EventHandler,
  HistoryQuery,
  HistoryResult,
  NodeDownHandler,
} from '../engine';
import { dispatch, notifyNodeDown } from '../handlers';
import { assertRunning, type EngineStatus } from '../lifecycle';
import { positiveInteger, resolveEngineOptions, type ResolvedEngineOptions } from '../options';
import { recoveryResult, resolveQuery } from '../recovery';
import { MemoryHub, type HubListener } from './memory-hub';

export interface MemoryEngineOptions extends EngineOptions {
  /**
   * The hub this node shares with other MemoryEngine nodes of the same "cluster" (one
   * process). Without one, the engine is a single node with a hub of its own.
   * @default a new MemoryHub
   */
  hub?: MemoryHub;
  /** Where handler failures are reported. @default silent */
  logger?: Logger;
}

/**
 * The embedded engine: everything in this process, nothing to install. Live handlers run
 * in a microtask after publish (never inside publish), strictly in publish order.
 */
export class MemoryEngine implements Engine {
  readonly nodeId: string;
  private readonly options: ResolvedEngineOptions;
  private readonly hub: MemoryHub;
  private readonly logger: Logger;
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private readonly nodeDownHandlers: NodeDownHandler[] = [];
  private status: EngineStatus = 'idle';
  private timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryEngineOptions = {}) {
    this.options = resolveEngineOptions(options);
    this.nodeId = this.options.nodeId;
    this.hub = options.hub ?? new MemoryHub();
    this.logger = options.logger ?? silentLogger;
  }

  async start(): Promise<void> {
    if (this.status !== 'idle') return;
    this.hub.heartbeat(this.nodeId);
    this.timer = setInterval(() => this.tick(), this.options.heartbeatMs);
    this.status = 'running';
  }

  async close(): Promise<void> {
    if (this.status === 'closed') return;
    const wasRunning = this.status === 'running';
    this.stop('closed');
    if (wasRunning) {
      this.hub.reapMembers(this.nodeId);
      this.hub.forgetNode(this.nodeId);
    }
  }

  /**
   * Test hook: stop as if the process died. Heartbeats and deliveries stop, nothing is
   * cleaned up: its members and registry entry stay until another node notices.
   * @internal
   */
  async simulateCrash(): Promise<void> {
    this.stop('crashed');
  }

  async publish(channel: string, payload: string): Promise<Position> {
    this.assertRunning('publish');
    return this.hub.publish(channel, payload, this.options).position;
  }

  async subscribe(channel: string, handler: EventHandler): Promise<void> {
    this.assertRunning('subscribe');
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      this.hub.listen(channel, this.deliver);
    }
    set.add(handler);
  }

  async unsubscribe(channel: string, handler: EventHandler): Promise<void> {
    const set = this.handlers.get(channel);
    if (!set?.delete(handler) || set.size > 0) return;
    this.handlers.delete(channel);
    this.hub.unlisten(channel, this.deliver);
  }

  async history(channel: string, query?: HistoryQuery): Promise<HistoryResult> {
    this.assertRunning('history');
    const { since, limit } = resolveQuery(query, this.options.historySize);
    const log = this.hub.log(channel, this.options);
    const top = log.position;
    if (!since) return { events: log.latest(limit), recovered: true, position: top };
    const found = since.epoch === top.epoch ? log.after(since.offset, limit) : [];
    return recoveryResult(top, since, limit, found);
  }

  async latest(channel: string): Promise<ChannelEvent | null> {
    this.assertRunning('latest');
    return this.hub.log(channel, this.options).latest(1)[0] ?? null;
  }

  async setState(key: string, value: string, ttlMs: number): Promise<void> {
    this.assertRunning('setState');
    positiveInteger('ttlMs', ttlMs);
    this.hub.setState(key, value, ttlMs);
  }

  async getState(key: string): Promise<string | null> {
    this.assertRunning('getState');
    return this.hub.getState(key);
  }

  async deleteState(key: string): Promise<void> {
    this.assertRunning('deleteState');
    this.hub.deleteState(key);
  }

  async incr(key: string, windowMs: number, by = 1): Promise<number> {
    this.assertRunning('incr');
    positiveInteger('windowMs', windowMs);
    if (!Number.isSafeInteger(by)) throw new TypeError(`by must be an integer, got ${String(by)}`);
    return this.hub.incr(key, windowMs, by);
  }

  async addMember(setKey: string, member: string): Promise<number> {
    this.assertRunning('addMember');
    return this.hub.addMember(setKey, member, this.nodeId);
  }

  async removeMember(setKey: string, member: string): Promise<number> {
    this.assertRunning('removeMember');
    return this.hub.removeMember(setKey, member);
  }

  async countMembers(setKey: string): Promise<number> {
    this.assertRunning('countMembers');
    return this.hub.countMembers(setKey);
  }

  async nodes(): Promise<string[]> {
    this.assertRunning('nodes');
    return this.hub.listNodes(this.options.nodeTimeoutMs, 'alive');
  }

  onNodeDown(handler: NodeDownHandler): void {
    this.nodeDownHandlers.push(handler);
  }

  // Hub -> this node. A microtask keeps handlers out of publish's call stack while
  // preserving order (microtasks run first in, first out).
  private readonly deliver: HubListener = (event) => {
    queueMicrotask(() => {
      const set = this.status === 'running' ? this.handlers.get(event.channel) : undefined;
      if (set) dispatch(set, event, this.logger);
    });
  };

  private tick(): void {
    if (!this.hub.heartbeat(this.nodeId)) {
      this.logger.error(
        { nodeId: this.nodeId },
        'this node had been declared down by its peers (too slow to heartbeat); its members were removed',
      );
    }
    for (const nodeId of this.hub.listNodes(this.options.nodeTimeoutMs, 'stale')) {
      if (nodeId === this.nodeId || !this.hub.claimNode(nodeId, this.options.nodeTimeoutMs)) continue;
      this.hub.reapMembers(nodeId);
      this.logger.warn({ nodeId, by: this.nodeId }, 'node down: members removed');
      void notifyNodeDown(this.nodeDownHandlers, nodeId, this.logger);
    }
  }

  private stop(status: EngineStatus): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const channel of this.handlers.keys()) this.hub.unlisten(channel, this.deliver);
    this.handlers.clear();
    this.status = status;
  }

  private assertRunning(operation: string): void {
    assertRunning('MemoryEngine', this.status, operation);
  }
}
