import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AuthError, type Principal } from '@defi-realtime/auth';
import type { WebSocketServer } from 'ws';
import { Connection, newConnectionId, type ConnectionHost } from '../connection/connection';
import { accept } from '../connection/lifecycle';
import type { GatewayContext } from '../context';
import { rejectUpgrade } from './reject';

export const REALTIME_PATH = '/v2/realtime';

/**
 * The handshake, in the order that costs least for traffic we refuse: path, draining,
 * origin, per-IP rate, credentials, per-key quota; then the WebSocket upgrade. Each
 * refusal is an HTTP status with a JSON `{code, message}`.
 */
export function createUpgradeHandler(ctx: GatewayContext, wss: WebSocketServer, host: ConnectionHost) {
  const origins = ctx.config.ALLOWED_ORIGINS;
  return async (req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> => {
    socket.on('error', () => undefined); // a client vanishing mid-handshake is not our error
    const url = new URL(req.url ?? '/', 'http://localhost');
    const remoteAddress = clientAddress(req, ctx.config.TRUST_PROXY);
    const refuse = (code: Parameters<typeof rejectUpgrade>[1], message: string, headers?: Record<string, string>) => {
      ctx.metrics.handshakeRejections.inc({ code });
      if (code === 'UNAUTHORIZED') ctx.audit.info({ event: 'auth_failure', remoteAddress, reason: message, via: 'handshake' }, 'auth failure');
      rejectUpgrade(socket, code, message, headers);
    };

    if (url.pathname !== REALTIME_PATH) return refuse('NOT_FOUND', `the WebSocket endpoint is ${REALTIME_PATH}`);
    if (ctx.draining) return refuse('UNAVAILABLE', 'this server is shutting down; reconnect', { 'Retry-After': '1' });
    if (origins && !origins.includes(req.headers.origin ?? '')) return refuse('FORBIDDEN', `origin ${JSON.stringify(req.headers.origin ?? null)} is not allowed`);

    const ip = await ctx.ipLimiter.consume(remoteAddress);
    if (!ip.allowed) {
      ctx.metrics.rateLimitHits.inc({ limit: 'connections_per_ip' });
      return refuse('RATE_LIMITED', 'too many new connections from this address', { 'Retry-After': String(Math.ceil(ip.retryAfterMs / 1000)) });
    }

    const apiKey = url.searchParams.get('apiKey') ?? header(req, 'x-api-key');
    const bearer = header(req, 'authorization');
    let principal: Principal | undefined;
    if (apiKey || bearer) {
      let result;
      try {
        result = await ctx.authenticator.authenticate({ apiKey, bearer });
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        ctx.logger.warn({ err }, 'credentials could not be checked');
        return refuse('UNAVAILABLE', 'credentials cannot be checked right now; retry', { 'Retry-After': '1' });
      }
      if (!result.ok) return refuse('UNAUTHORIZED', result.reason);
      principal = result.principal;
    }

    const id = newConnectionId(ctx.nodeId);
    if (principal && !(await ctx.quotas.acquire(principal, id))) {
      ctx.metrics.rateLimitHits.inc({ limit: 'connections_per_key' });
      return refuse('LIMIT_EXCEEDED', `at most ${principal.limits.maxConnectionsPerKey} connections per key on the ${principal.tier} tier`);
    }
    if (socket.destroyed) {
      if (principal) await ctx.quotas.release(principal, id);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ctx, ws, new Connection(ws, id, remoteAddress, host), principal));
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
