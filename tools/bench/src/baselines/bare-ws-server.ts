/*
 * Baseline: the cheapest correct Redis -> WebSocket broadcast with `ws`. Each Redis message
 * is framed ONCE (header + payload in one buffer) and that buffer is written to every
 * client's TCP socket, skipping ws's per-send framing. Safe because nothing else writes
 * to these sockets concurrently: permessage-deflate is off and clients send nothing but
 * pong replies, so ws never has a partial frame queued that ours could interleave with.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Redis } from 'ioredis';
import WebSocket, { WebSocketServer } from 'ws';
import { env, exitWhenOrphaned } from './lifetime';

// Same rule as the gateway (DESIGN section 3) so the comparison is fair: a client that
// cannot keep up is dropped instead of growing the server's memory.
const MAX_BUFFERED = 1024 * 1024;

// ws exports its Sender at runtime (ws/index.js) but @types/ws does not declare it.
interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const channel = env('BENCH_CHANNEL');
const sockets = new Set<Socket>();
let ready = false;

const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' && ready ? 200 : 503).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });

wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
  // The request's socket is the connection's TCP socket; keeping it avoids ws internals.
  const socket = req.socket;
  sockets.add(socket);
  ws.on('error', () => ws.terminate());
  ws.on('close', () => sockets.delete(socket));
});

const sub = new Redis(env('REDIS_URL'));
sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => broadcast(payload));

function broadcast(payload: Buffer): void {
  // frame() returns [header, payload] unmasked: one concat, then one write per socket.
  const frame = Buffer.concat(
    Sender.frame(payload, { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }),
  );
  for (const socket of sockets) {
    if (!socket.writable) continue; // closing: ws removes it on 'close'
    if (socket.writableLength > MAX_BUFFERED) socket.destroy();
    else socket.write(frame);
  }
}

async function main(): Promise<void> {
  await sub.subscribe(channel);
  await new Promise<void>((resolve) =>
    http.listen({ port: Number(env('PORT')), host: env('HOST'), backlog: 4096 }, resolve),
  );
  ready = true;
}

exitWhenOrphaned(Number(env('BENCH_LIFETIME_MS')), () => sub.disconnect());
main().catch((err: unknown) => {
  console.error('bare-ws server failed to start:', err);
  process.exit(1);
});
