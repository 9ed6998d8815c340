import type { GatewayContext } from '../context';

/**
 * One timer for all connections (not one per connection): every interval, a connection
 * that has not answered the previous ping is terminated, the others are pinged. A dead
 * peer is therefore gone within two intervals.
 */
export function startHeartbeat(ctx: GatewayContext): () => void {
  const timer = setInterval(() => {
    for (const connection of ctx.connections) {
      if (!connection.isAlive) {
        ctx.audit.info(
          { event: 'heartbeat_timeout', connectionId: connection.id, remoteAddress: connection.remoteAddress },
          'no pong: terminating',
        );
        connection.ws.terminate();
        continue;
      }
      connection.isAlive = false;
      connection.ws.ping();
    }
  }, ctx.config.HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}
