import { ScriptErrorCode } from '@defi-realtime/redis';
import type { RedisContext } from './context';

export interface LivenessOptions {
  heartbeatMs: number;
  nodeTimeoutMs: number;
  /** Clean up a node this one claimed (members, registry) and run the onNodeDown handlers. */
  onNodeDown(nodeId: string): Promise<void>;
}

/**
 * Node liveness on Redis. Every heartbeatMs a node refreshes its liveness key (TTL
 * nodeTimeoutMs) and its last-seen time in the registry. On the same period it looks for
 * registered nodes not seen for nodeTimeoutMs; the survivors race to claim each with
 * SET NX, and only the winner cleans up, so onNodeDown runs once in the cluster.
 * Heartbeat and check run on separate timers so a long cleanup never delays a heartbeat.
 */
export class RedisLiveness {
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly ctx: RedisContext,
    private readonly options: LivenessOptions,
  ) {}

  /** First heartbeat (registers the node), then the timers. */
  async start(): Promise<void> {
    await this.beat(true);
    const { heartbeatMs } = this.options;
    // A round still running when the timer fires is not doubled up (??=).
    this.heartbeatTimer = setInterval(() => {
      this.beating ??= this.guard(this.beat(false), () => (this.beating = undefined));
    }, heartbeatMs);
    this.checkTimer = setInterval(() => {
      this.checking ??= this.guard(this.check(), () => (this.checking = undefined));
    }, heartbeatMs);
  }

  /** Stop the timers and wait for a round in flight. */
  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.checkTimer);
    await Promise.all([this.beating, this.checking]);
  }

  /** Nodes that heartbeated within nodeTimeoutMs (Redis clock). */
  async alive(): Promise<string[]> {
    const { run, keys } = this.ctx;
    return (await run('listNodes', [keys.nodeRegistry()], [this.options.nodeTimeoutMs, 'alive'])) as string[];
  }

  private async beat(first: boolean): Promise<void> {
    const { run, keys, nodeId, logger } = this.ctx;
    const result = await run(
      'heartbeat',
      [keys.nodeAlive(nodeId), keys.nodeRegistry()],
      [nodeId, this.options.nodeTimeoutMs, first ? '1' : '0'],
    );
    if (result === ScriptErrorCode.NodeWasDeclaredDown) {
      logger.error(
        { nodeId },
        'this node had been declared down by its peers (too slow to heartbeat); its members were removed',
      );
    }
  }

  private async check(): Promise<void> {
    const { run, keys, nodeId } = this.ctx;
    const { nodeTimeoutMs } = this.options;
    const stale = (await run('listNodes', [keys.nodeRegistry()], [nodeTimeoutMs, 'stale'])) as string[];
    // The claim outlives any cleanup and any survivor's stale read of the registry.
    const claimTtlMs = Math.max(30_000, 10 * nodeTimeoutMs);
    for (const silent of stale) {
      if (silent === nodeId) continue;
      const claimKeys = [keys.nodeAlive(silent), keys.nodeClaim(silent), keys.nodeRegistry()];
      const claimed = await run('claimNode', claimKeys, [silent, claimTtlMs, nodeId]);
      if (claimed === 1) await this.options.onNodeDown(silent);
    }
  }

  private guard(round: Promise<void>, done: () => void): Promise<void> {
    return round
      .catch((error: unknown) => this.ctx.logger.warn({ err: error, nodeId: this.ctx.nodeId }, 'liveness round failed'))
      .finally(done);
  }
}
