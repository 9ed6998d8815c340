import { createHash } from 'node:crypto';
import { sentAtOf } from '../event';
import type { NextFrame, Target } from './types';

const CHANNEL = 'prices';

/** REDIS_PREFIX for the gateway: the env schema allows 1-32 of [a-z0-9_-]. */
const prefixOf = (runId: string) => `bench-${runId}`.slice(0, 32);

// The enterprise tier allows 1,000 connections per key (libs/auth tiers): seed one key per
// CONNECTIONS_PER_KEY connections so the per-key limit never caps the workload.
const CONNECTIONS_PER_KEY = 500;

/** The run's API keys: `drt_` + 32 hex characters, derived from the run id. */
function apiKeysOf(runId: string, connections: number): string[] {
  const count = Math.max(1, Math.ceil(connections / CONNECTIONS_PER_KEY));
  return Array.from(
    { length: count },
    (_, i) => `drt_${createHash('sha256').update(`${runId}:${i}`).digest('hex').slice(0, 32)}`,
  );
}

/** Our gateway (DESIGN section 3), published to through the RedisEngine like the event processor does. */
export const gateway: Target = {
  name: 'gateway',
  description: 'apps/gateway (/v2/realtime), published through RedisEngine',

  server: (ctx) => ({
    command: process.execPath,
    args: ['--import', 'tsx', 'apps/gateway/src/main.ts'],
    env: {
      PORT: String(ctx.port),
      HOST: ctx.host,
      REDIS_URL: ctx.redisUrl,
      REDIS_PREFIX: prefixOf(ctx.runId),
      // The real PostgreSQL, as deployed (its public schema holds the seeded keys): an idle
      // embedded PGlite would add hundreds of MB of RSS that GC moves while clients connect.
      DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      SEED_API_KEYS: apiKeysOf(ctx.runId, ctx.connections)
        .map((key) => `${key}:enterprise`)
        .join(','),
      LOG_LEVEL: 'warn',
      // One process by default, like the baselines; --gateway-workers measures the cluster mode.
      GATEWAY_WORKERS: String(ctx.serverProcesses),
    },
    cwd: ctx.repoRoot,
    readyPath: '/readyz',
  }),

  async createPublisher(ctx) {
    // Loaded here, not at the top: workers import this module and need none of the engine.
    const { createEnginePublisher } = await import('./gateway-publisher');
    return createEnginePublisher(ctx.redisUrl, prefixOf(ctx.runId), CHANNEL);
  },

  clientParams: (ctx) => ({ apiKeys: apiKeysOf(ctx.runId, ctx.connections).join(',') }),

  client: {
    url: (host, port, params, index) => {
      const keys = (params.apiKeys ?? '').split(',');
      return `ws://${host}:${port}/v2/realtime?apiKey=${encodeURIComponent(keys[index % keys.length]!)}`;
    },
    handshake: async (ws, next) => {
      const welcome = await nextMessage(next);
      const welcomedAt = performance.timeOrigin + performance.now();
      if (welcome.type !== 'welcome') throw new Error(`expected welcome, got ${describe(welcome)}`);
      ws.send(JSON.stringify({ type: 'subscribe', id: 1, channels: [CHANNEL] }));
      for (;;) {
        const reply = await nextMessage(next);
        if (reply.type === 'error') throw new Error(`subscribe refused: ${describe(reply)}`);
        if (reply.type !== 'subscription_result') continue; // e.g. a system_announcement
        const result = (reply.results as Array<{ channel?: string; status?: string }> | undefined)?.find(
          (r) => r.channel === CHANNEL,
        );
        if (result?.status !== 'subscribed') throw new Error(`subscribe failed: ${describe(reply)}`);
        return welcomedAt;
      }
    },
    // Every frame after the subscription is an update of the one channel subscribed to;
    // the rare others (pong, announcements) are not worth a byte comparison per frame.
    isData: () => true,
    sentAt: (frame) => {
      const message = JSON.parse(frame.toString()) as { type?: string };
      return message.type === 'price_update' ? sentAtOf(message) : undefined;
    },
  },
};

async function nextMessage(next: NextFrame): Promise<Record<string, unknown>> {
  return JSON.parse((await next()).toString()) as Record<string, unknown>;
}

function describe(message: Record<string, unknown>): string {
  return JSON.stringify(message).slice(0, 200);
}
