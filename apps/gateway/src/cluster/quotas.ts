import type { Principal } from '@defi-realtime/auth';
import type { Engine } from '@defi-realtime/engine';

/**
 * Connections per key, across every gateway node: each connection is a member of its
 * key's set in the engine, owned by this node, so a node that dies has its members
 * removed by the survivors (no quota leaks after a SIGKILL).
 */
export class ConnectionQuotas {
  constructor(private readonly engine: Engine) {}

  /** Take a slot for this connection; false (and nothing held) when the key is at its limit. */
  async acquire(principal: Principal, connectionId: string): Promise<boolean> {
    const key = quotaKey(principal);
    const count = await this.engine.addMember(key, connectionId);
    if (count <= principal.limits.maxConnectionsPerKey) return true;
    await this.engine.removeMember(key, connectionId);
    return false;
  }

  /** Give the slot back. */
  async release(principal: Principal, connectionId: string): Promise<void> {
    await this.engine.removeMember(quotaKey(principal), connectionId);
  }

  /** Connections this key holds over all nodes. */
  count(principal: Principal): Promise<number> {
    return this.engine.countMembers(quotaKey(principal));
  }
}

function quotaKey(principal: Principal): string {
  return `quota:connections:${principal.via}:${principal.id}`;
}
