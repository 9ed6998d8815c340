import path from 'node:path';
import type WebSocket from 'ws';
import { sentAtOf } from '../event';
import type { NextFrame, Target } from './types';

// The clients speak Engine.IO v4 / Socket.IO v5 directly over a `ws` socket instead of
// using socket.io-client, whose decoder JSON-parses every packet: drain clients must stay
// as cheap as they are for the other targets. Packets used (one per WebSocket text frame):
//   "0{...}" Engine.IO open, "2" ping -> answer "3", "40" connect, "40{sid}" connected,
//   "44{...}" connect error, "42[...]" event, "420[...]" event with ack id 0, "430[...]" ack 0.
const ZERO = 0x30;
const TWO = 0x32;
const FOUR = 0x34;
const ROOM = 'prices';

/** The adapter's Redis key prefix, unique per run. */
const adapterKeyOf = (runId: string) => `bench-${runId}`;

/**
 * Baseline 2: Socket.IO 4 with @socket.io/redis-adapter, clients in one room, events sent
 * by a second Socket.IO server (in the harness) through the same adapter: the path a
 * Socket.IO deployment with several nodes takes.
 */
export const socketIo: Target = {
  name: 'socketio',
  description: 'Socket.IO 4.8 + @socket.io/redis-adapter 8.3, websocket transport, one room',

  server: (ctx) => ({
    command: process.execPath,
    args: ['--import', 'tsx', path.join(__dirname, '../baselines/socketio-server.ts')],
    env: {
      PORT: String(ctx.port),
      HOST: ctx.host,
      REDIS_URL: ctx.redisUrl,
      BENCH_ADAPTER_KEY: adapterKeyOf(ctx.runId),
      BENCH_LIFETIME_MS: String(ctx.lifetimeMs),
    },
    cwd: ctx.repoRoot,
    readyPath: '/readyz',
  }),

  async createPublisher(ctx) {
    const [{ Server }, { createAdapter }, { Redis }] = await Promise.all([
      import('socket.io'),
      import('@socket.io/redis-adapter'),
      import('ioredis'),
    ]);
    const pub = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
    const sub = pub.duplicate();
    // Not attached to any HTTP server: it exists only to broadcast through the adapter.
    const io = new Server({ adapter: createAdapter(pub, sub, { key: adapterKeyOf(ctx.runId) }) });
    await Promise.all([waitReady(pub), waitReady(sub)]);
    return {
      publish: async (event) => void io.to(ROOM).emit('price_update', event),
      // Not io.close(): it closes an Engine.IO server this instance never had.
      close: async () => void (await Promise.allSettled([pub.quit(), sub.quit()])),
    };
  },

  clientParams: () => ({}),

  client: {
    url: (host, port) => `ws://${host}:${port}/socket.io/?EIO=4&transport=websocket`,
    handshake: async (ws, next) => {
      const open = await nextPacket(ws, next);
      if (open[0] !== ZERO) throw new Error(`expected an Engine.IO open packet, got ${preview(open)}`);
      ws.send('40');
      const connected = await nextPacket(ws, next);
      const connectedAt = performance.timeOrigin + performance.now();
      if (connected[0] !== FOUR || connected[1] !== ZERO)
        throw new Error(`Socket.IO connect refused: ${preview(connected)}`);
      ws.send(`420${JSON.stringify(['subscribe', [ROOM]])}`);
      const ack = await nextPacket(ws, next);
      if (!ack.toString().startsWith('430')) throw new Error(`expected the subscribe ack, got ${preview(ack)}`);
      return connectedAt;
    },
    isData: (frame) => frame[0] === FOUR && frame[1] === TWO,
    // "42" + JSON array [eventName, payload]
    sentAt: (frame) => sentAtOf((JSON.parse(frame.toString('utf8', 2)) as unknown[])[1]),
    onControl: (ws, frame) => {
      if (frame.length === 1 && frame[0] === TWO) ws.send('3');
    },
  },
};

/** The next packet that is not a ping (pings are answered on the way). */
async function nextPacket(ws: WebSocket, next: NextFrame): Promise<Buffer> {
  for (;;) {
    const frame = await next();
    if (frame.length === 1 && frame[0] === TWO) ws.send('3');
    else return frame;
  }
}

function preview(frame: Buffer): string {
  return JSON.stringify(frame.toString('utf8', 0, Math.min(frame.length, 120)));
}

function waitReady(redis: import('ioredis').Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    redis.once('ready', resolve);
    redis.once('error', reject);
  });
}
