import path from 'node:path';
import { sentAtOf } from '../event';
import type { Target } from './types';

/** The Redis channel the bare-ws server broadcasts from, unique per run. */
const channelOf = (runId: string) => `bench:${runId}:prices`;

/**
 * Baseline 1: the cheapest correct broadcast server (`ws`, one pre-framed buffer per
 * event written to every socket). Whatever our gateway costs on top of it is our overhead.
 */
export const bareWs: Target = {
  name: 'bare-ws',
  description: 'ws 8 server, one Redis channel, pre-framed buffer written to each socket',

  server: (ctx) => ({
    command: process.execPath,
    args: ['--import', 'tsx', path.join(__dirname, '../baselines/bare-ws-server.ts')],
    env: {
      PORT: String(ctx.port),
      HOST: ctx.host,
      REDIS_URL: ctx.redisUrl,
      BENCH_CHANNEL: channelOf(ctx.runId),
      BENCH_LIFETIME_MS: String(ctx.lifetimeMs),
    },
    cwd: ctx.repoRoot,
    readyPath: '/readyz',
  }),

  async createPublisher(ctx) {
    const { Redis } = await import('ioredis');
    const redis = new Redis(ctx.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const channel = channelOf(ctx.runId);
    return {
      publish: (event) => redis.publish(channel, JSON.stringify(event)),
      close: async () => void (await redis.quit()),
    };
  },

  clientParams: () => ({}),

  client: {
    url: (host, port) => `ws://${host}:${port}/`,
    // No welcome: the connection counts from `open`, and everything received is data.
    handshake: async () => undefined,
    isData: () => true,
    sentAt: (frame) => sentAtOf(JSON.parse(frame.toString())),
  },
};
