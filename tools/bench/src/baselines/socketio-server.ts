/*
 * Baseline: Socket.IO 4 with @socket.io/redis-adapter, websocket transport only. A client
 * joins the room it names in a "subscribe" event (acknowledged), the equivalent of the
 * gateway's subscribe; events reach the room from any Socket.IO node through Redis.
 */
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { env, exitWhenOrphaned } from './lifetime';

let ready = false;
const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' && ready ? 200 : 503).end();
});

const pub = new Redis(env('REDIS_URL'));
const sub = pub.duplicate();
const io = new Server(http, {
  transports: ['websocket'],
  serveClient: false,
  perMessageDeflate: false,
  adapter: createAdapter(pub, sub, { key: env('BENCH_ADAPTER_KEY') }),
});

io.on('connection', (socket) => {
  socket.on('subscribe', (rooms: unknown, ack?: (reply: unknown) => void) => {
    if (Array.isArray(rooms) && rooms.every((room) => typeof room === 'string')) {
      void socket.join(rooms);
      ack?.({ ok: true });
    } else {
      ack?.({ ok: false });
    }
  });
});

async function main(): Promise<void> {
  // The adapter subscribes on its own; wait for both connections so no event is missed.
  await Promise.all(
    [pub, sub].map((r) => (r.status === 'ready' ? undefined : new Promise((ok) => r.once('ready', ok)))),
  );
  await new Promise<void>((resolve) =>
    http.listen({ port: Number(env('PORT')), host: env('HOST'), backlog: 4096 }, resolve),
  );
  ready = true;
}

exitWhenOrphaned(Number(env('BENCH_LIFETIME_MS')), () => {
  io.close();
  pub.disconnect();
  sub.disconnect();
});
main().catch((err: unknown) => {
  console.error('socket.io server failed to start:', err);
  process.exit(1);
});
