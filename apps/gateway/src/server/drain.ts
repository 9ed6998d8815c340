import type { GatewayContext } from '../context';

/**
 * Graceful shutdown: refuse new upgrades, tell every client to go (GOING_AWAY, 1001:
 * reconnect and `resume` on another node; their subscriptions are saved for that), then
 * wait for them to leave, and cut whoever is still there when the time is up.
 */
export async function drain(ctx: GatewayContext, timeoutMs: number): Promise<void> {
  ctx.draining = true;
  const count = ctx.connections.size;
  if (count > 0) ctx.logger.info({ connections: count, timeoutMs }, 'draining');
  for (const connection of ctx.connections) {
    connection.closeWith('GOING_AWAY', 'this server is restarting: reconnect and send resume with your resumeToken');
  }
  const deadline = Date.now() + timeoutMs;
  while (ctx.connections.size > 0 && Date.now() < deadline) await sleep(50);
  for (const connection of ctx.connections) connection.ws.terminate();
  // Give the close handlers (resume records, quota release) a moment to reach the engine.
  while (ctx.connections.size > 0 && Date.now() < deadline + 1_000) await sleep(20);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
