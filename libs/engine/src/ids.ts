import { randomBytes } from 'node:crypto';

/**
 * A fresh epoch: 12 random URL-safe characters. Random (not a counter or a clock) so two
 * histories can never share one, even across restarts of an in-memory engine.
 */
export function newEpoch(): string {
  return randomBytes(9).toString('base64url');
}

/** A random node id for nodes started without one. */
export function newNodeId(): string {
  return `node-${randomBytes(6).toString('hex')}`;
}
