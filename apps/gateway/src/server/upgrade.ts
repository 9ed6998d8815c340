import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { authenticateHttp, type Principal } from '@defi-realtime/auth';
import type { WebSocketServer } from 'ws';
import { Connection, newConnectionId, type ConnectionHost } from '../connection/connection';
import { accept } from '../connection/lifecycle';
import type { GatewayContext } from '../context';
import { rejectUpgrade } from './reject';

export const REALTIME_PATH = '/v2/realtime';

/**
 * The handshake, in the order that costs least for traffic we refuse: path, draining,
 * origin, per-IP rate, credentials (authenticateHttp: the forms every app accepts),
 * per-key quota; then the WebSocket upgrade. Each refusal is an HTTP status with a JSON
 * `{code, message}`.
 */
export function createUpgradeHandler(ctx: GatewayContext, wss: WebSocketServer, host: ConnectionHost) {
  const origins = ctx.config.ALLOWED_ORIGINS;
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => undefined); // a client vanishing mid-handshake is not our error
    const url = new URL(req.url ?? '/', 'http://localhost');
    const remoteAddress = clientAddress(req, ctx.config.TRUST_PROXY);
    const refuse = (
      code: Parameters<typeof rejectUpgrade>[1],
      message: string,
      headers?: Readonly<Record<string, string>>,
    ) => {
      ctx.metrics.handshakeRejections.inc({ code });
      if (code === 'UNAUTHORIZED')
        ctx.audit.info({ event: 'auth_failure', remoteAddress, reason: message, via: 'handshake' }, 'auth failure');
      rejectUpgrade(socket, code, message, headers);
    };

    if (url.pathname !== REALTIME_PATH) return refuse('NOT_FOUND', `the WebSocket endpoint is ${REALTIME_PATH}`);
    if (ctx.draining) return refuse('UNAVAILABLE', 'this server is shutting down; reconnect', { 'Retry-After': '1' });
    if (origins && !origins.includes(req.headers.origin ?? ''))
      return refuse('FORBIDDEN', `origin ${JSON.stringify(req.headers.origin ?? null)} is not allowed`);

    const ip = await ctx.ipLimiter.consume(remoteAddress);
    if (!ip.allowed) {
      ctx.metrics.rateLimitHits.inc({ limit: 'connections_per_ip' });
      return refuse('RATE_LIMITED', 'too many new connections from this address', {
        'Retry-After': String(Math.ceil(ip.retryAfterMs / 1000)),
      });
    }

    // No credentials is no refusal here: the client may still send `authenticate` (or be anonymous).
    const auth = await authenticateHttp(ctx.authenticator, { headers: req.headers, query: url.searchParams });
    let principal: Principal | undefined;
    if (auth.ok) principal = auth.principal;
    else if (auth.failure !== 'missing') {
      if (auth.failure === 'unavailable')
        ctx.logger.warn({ err: auth.error.cause }, 'credentials could not be checked');
      return refuse(auth.error.code, auth.error.message, auth.headers);
    }

    const id = newConnectionId(ctx.nodeId);
    if (principal && !(await ctx.quotas.acquire(principal, id))) {
      ctx.metrics.rateLimitHits.inc({ limit: 'connections_per_key' });
      return refuse(
        'LIMIT_EXCEEDED',
        `at most ${principal.limits.maxConnectionsPerKey} connections per key on the ${principal.tier} tier`,
      );
    }
    if (socket.destroyed) {
      if (principal) await ctx.quotas.release(principal, id);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      accept(ctx, ws, new Connection(ws, id, remoteAddress, host), principal),
    );
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The client's address: the socket's, or the first X-Forwarded-For hop behind a trusted proxy. */
function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = header(req, 'x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return req.socket.remoteAddress ?? 'unknown';
}
