import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApiKeyStore } from '@defi-realtime/auth';
import type { Database } from '@defi-realtime/db';
import { createRedis } from '@defi-realtime/redis';
import { cleanupPrefix } from '@defi-realtime/redis/testing';
import { spawnApp, type AppProcess } from '@defi-realtime/runtime/testing';
import { freePort, startServer } from '../server-process';

/** A server under load: where it answers, its pid for /proc, how to stop it. */
export interface RunningServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '../../../..');
const HOST = '127.0.0.1';

/**
 * `DATABASE_URL` pointing at `schema`: pg passes `options` from the URL to the server as
 * `-c search_path=<schema>`, so every pooled connection of the app works in that schema
 * (libs/db does the same for its `schema` option). The app still believes it is in
 * `public` (db.schema), so it LISTENs on `public.data_changed` and does not hear the
 * schema's own announcements. The only writer during a run is the app's reference
 * refresher (once a minute), so the cached scenarios miss the invalidations it would cause.
 */
export function schemaDatabaseUrl(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

export interface QueryApiSetup {
  databaseUrl: string;
  schema: string;
  redisUrl: string;
  /** Unique per run; every key the app writes starts with it (deleted by `stop`). */
  redisPrefix: string;
}

/**
 * The query-api as its own process (apps/query-api/src/main.ts through tsx), on real
 * PostgreSQL (the seeded schema) and Redis, with the tiers' request limits raised out of
 * the way: the bench measures serving, not the limiter saying no (it still runs).
 */
export async function startQueryApi(setup: QueryApiSetup): Promise<RunningServer & { app: AppProcess }> {
  const app = await spawnApp(
    'query-api',
    {
      DATABASE_URL: schemaDatabaseUrl(setup.databaseUrl, setup.schema),
      REDIS_URL: setup.redisUrl,
      REDIS_PREFIX: setup.redisPrefix,
      TIER_LIMITS: JSON.stringify({ enterprise: { restRequestsPerMinute: 1_000_000_000 } }),
      LOG_LEVEL: 'info', // spawnApp waits for the info-level "listening" line; requests are not logged
    },
    60_000,
  );
  return {
    app,
    url: app.url,
    pid: app.child.pid!,
    stop: async () => {
      await app.stop('SIGTERM');
      await deleteRedisPrefix(setup.redisUrl, setup.redisPrefix);
    },
  };
}

/** A Redis key prefix no other run uses (REDIS_PREFIX allows a-z, 0-9, _ and -). */
export function uniqueRedisPrefix(): string {
  return `qbench-${randomBytes(4).toString('hex')}`;
}

async function deleteRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = createRedis(redisUrl);
  try {
    await cleanupPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** An enterprise key for the bench, created in the seeded schema; `remove` deletes it again. */
export async function createBenchKey(db: Database): Promise<{ key: string; remove(): Promise<void> }> {
  const { key, record } = await new ApiKeyStore(db).create({
    tier: 'enterprise',
    name: 'query-bench',
    owner: 'query-bench',
  });
  return { key, remove: async () => void (await db.query('DELETE FROM api_keys WHERE id = $1', [record.id])) };
}

/** A baseline (bare node:http or Fastify) answering `bodyFile` to every GET, as a child process. */
export async function startBaseline(
  mode: 'bare-http' | 'fastify',
  bodyFile: string,
  lifetimeMs: number,
): Promise<RunningServer> {
  const port = await freePort(HOST);
  const server = await startServer(
    {
      command: process.execPath,
      args: ['--import', 'tsx', path.join(__dirname, 'baseline-server.ts')],
      env: {
        PORT: String(port),
        HOST,
        BENCH_MODE: mode,
        BENCH_BODY_FILE: bodyFile,
        BENCH_LIFETIME_MS: String(lifetimeMs),
      },
      cwd: REPO_ROOT,
      readyPath: '/readyz',
    },
    HOST,
    port,
    30_000,
    lifetimeMs,
  );
  return { url: `http://${HOST}:${port}`, pid: server.pid, stop: () => server.stop() };
}
