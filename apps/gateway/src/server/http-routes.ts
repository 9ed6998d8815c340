import type { IncomingMessage, ServerResponse } from 'node:http';
import { staticBearerMatches } from '@defi-realtime/auth';
import { ProtocolError, SystemAnnouncementMessageSchema, validate } from '@defi-realtime/protocol';
import type { Health } from '@defi-realtime/runtime';
import type { Registry } from 'prom-client';
import { announce } from '../cluster/announcements';
import type { GatewayContext } from '../context';

const MAX_ADMIN_BODY = 16 * 1024;

/** Plain-HTTP routes next to the WebSocket endpoint: health, metrics, admin broadcast. */
export function createRequestHandler(ctx: GatewayContext, health: Health, registry: Registry) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (health.handle(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics' && req.method === 'GET') {
      registry.metrics().then(
        (text) => send(res, 200, text, registry.contentType),
        (err: unknown) => sendError(res, new ProtocolError('INTERNAL', 'metrics failed', { cause: err })),
      );
      return;
    }
    if (path === '/admin/broadcast') {
      broadcast(ctx, req).then(
        (position) => sendJson(res, 202, { status: 'accepted', position }),
        (err: unknown) =>
          sendError(
            res,
            err instanceof ProtocolError ? err : new ProtocolError('INTERNAL', 'broadcast failed', { cause: err }),
          ),
      );
      return;
    }
    if (path === '/v2/realtime')
      return sendError(res, new ProtocolError('BAD_REQUEST', 'this endpoint needs a WebSocket upgrade'));
    sendError(res, new ProtocolError('NOT_FOUND', `no route for ${req.method} ${path}`));
  };
}

async function broadcast(ctx: GatewayContext, req: IncomingMessage) {
  const token = ctx.config.ADMIN_TOKEN;
  if (!token) throw new ProtocolError('NOT_FOUND', 'admin endpoints are disabled (set ADMIN_TOKEN)');
  if (req.method !== 'POST') throw new ProtocolError('BAD_REQUEST', 'use POST');
  if (!staticBearerMatches(req.headers, token))
    throw new ProtocolError('UNAUTHORIZED', 'admin token missing or wrong (Authorization: Bearer <ADMIN_TOKEN>)');
  const body = await readJson(req);
  const result = validate(SystemAnnouncementMessageSchema.shape.data, body);
  if (!result.ok)
    throw new ProtocolError(
      'BAD_REQUEST',
      result.error.message,
      result.error.field ? { field: result.error.field } : {},
    );
  ctx.audit.info({ event: 'broadcast', level: result.value.level ?? 'info' }, 'operator broadcast');
  return announce(ctx.engine, result.value);
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ADMIN_BODY) {
        reject(new ProtocolError('MESSAGE_TOO_LARGE', `body over ${MAX_ADMIN_BODY} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ProtocolError('BAD_REQUEST', 'body is not JSON'));
      }
    });
    req.on('error', reject);
  });
}

function sendError(res: ServerResponse, error: ProtocolError): void {
  sendJson(res, error.httpStatus, error.toHttpBody());
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, JSON.stringify(body), 'application/json');
}

function send(res: ServerResponse, status: number, text: string, contentType: string): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
