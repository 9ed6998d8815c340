import type { Principal } from '@defi-realtime/auth';
import type { ClientMessageId } from '@defi-realtime/protocol';
import type { WebSocket } from 'ws';
import type { GatewayContext } from '../context';
import { Connection } from './connection';
import { handleMessage } from './messages';

/**
 * A WebSocket just upgraded: track it, wire its events, and either welcome it (it
 * authenticated at the handshake) or give it AUTH_TIMEOUT_MS to send `authenticate`.
 */
export function accept(
  ctx: GatewayContext,
  ws: WebSocket,
  connection: Connection,
  principal: Principal | undefined,
): void {
  ctx.connections.add(connection);
  ctx.metrics.connectionsOpened.inc();
  ctx.audit.info(
    {
      event: 'connect',
      connectionId: connection.id,
      keyId: principal?.id,
      keyPrefix: principal?.keyPrefix,
      tier: principal?.tier,
      remoteAddress: connection.remoteAddress,
    },
    'connect',
  );
  ws.on('message', (data) => void handleMessage(ctx, connection, data));
  ws.on('pong', () => {
    connection.isAlive = true;
  });
  ws.on('error', (err) => ctx.logger.debug({ err, connectionId: connection.id }, 'socket error'));
  ws.on('close', (code) => void onClose(ctx, connection, code));
  if (principal) {
    activate(ctx, connection, principal, undefined);
  } else {
    connection.authTimer = setTimeout(() => {
      ctx.audit.info(
        {
          event: 'auth_failure',
          connectionId: connection.id,
          remoteAddress: connection.remoteAddress,
          reason: 'no authenticate message in time',
        },
        'auth failure',
      );
      connection.closeWith('AUTH_TIMEOUT');
    }, ctx.config.AUTH_TIMEOUT_MS);
  }
}

/** The connection is authenticated: it may subscribe from now on. */
export function activate(
  ctx: GatewayContext,
  connection: Connection,
  principal: Principal,
  id: ClientMessageId | undefined,
): void {
  clearTimeout(connection.authTimer);
  connection.authTimer = undefined;
  connection.principal = principal;
  connection.state = 'open';
  const { limits } = principal;
  connection.send({
    type: 'welcome',
    ...(id === undefined ? {} : { id }),
    connectionId: connection.id,
    resumeToken: connection.resumeToken,
    heartbeatMs: ctx.config.HEARTBEAT_MS,
    tier: principal.tier,
    limits: {
      maxConnectionsPerKey: limits.maxConnectionsPerKey,
      maxChannelsPerConnection: limits.maxChannelsPerConnection,
      subscriptionChangesPerMinute: limits.subscriptionChangesPerMinute,
      messagesPerMinute: limits.messagesPerMinute,
      maxMessageBytes: ctx.config.MAX_MESSAGE_BYTES,
      recoveryWindowMs: ctx.config.RECOVERY_WINDOW_MS,
    },
    serverTime: Date.now(),
  });
}

/** Release everything a connection held; keep its subscriptions for `resume`. */
async function onClose(ctx: GatewayContext, connection: Connection, code: number): Promise<void> {
  const wasOpen = connection.state === 'open';
  connection.state = 'closing';
  ctx.connections.delete(connection);
  clearTimeout(connection.authTimer);
  for (const subscription of connection.subscriptions.values()) ctx.hub.remove(subscription);
  ctx.metrics.connectionsClosed.inc({ code: String(code) });
  ctx.audit.info(
    {
      event: 'disconnect',
      connectionId: connection.id,
      keyId: connection.principal?.id,
      remoteAddress: connection.remoteAddress,
      code,
      durationMs: Date.now() - connection.openedAt,
    },
    'disconnect',
  );
  const principal = connection.principal;
  if (!principal) return;
  try {
    if (wasOpen || connection.subscriptions.size > 0) await ctx.resumeStore.save(connection);
    await ctx.quotas.release(principal, connection.id);
  } catch (err) {
    ctx.logger.warn({ err, connectionId: connection.id }, 'cleanup after close failed');
  }
}
