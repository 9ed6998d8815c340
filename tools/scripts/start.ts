/*
 * `npm start`: the whole system in one process on embedded defaults: one engine and one
 * database shared by the gateway, event processor, query API and alert engine. Set
 * REDIS_URL / DATABASE_URL to use real servers instead.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import * as alertEngine from '@defi-realtime/alert-engine';
import { openDatabase } from '@defi-realtime/db';
import { createEngine } from '@defi-realtime/engine';
import * as eventProcessor from '@defi-realtime/event-processor';
import * as gateway from '@defi-realtime/gateway';
import * as queryApi from '@defi-realtime/query-api';
import { createQueue } from '@defi-realtime/queue';
import { createLogger, envFields, onShutdown, parseEnv, serviceEnvShape, type RunningApp } from '@defi-realtime/runtime';

const { PORT: _unused, ...common } = serviceEnvShape(0);
const env = parseEnv(
  'npm start',
  z.object({
    ...common,
    // Quiet by default so the banner stays readable; LOG_LEVEL=info shows every event.
    LOG_LEVEL: envFields.logLevel().default('warn'),
    GATEWAY_PORT: envFields.port(8080),
    QUERY_API_PORT: envFields.port(8081),
    ALERT_ENGINE_PORT: envFields.port(8082),
    EVENT_PROCESSOR_PORT: envFields.port(8083),
  }),
);

async function main(): Promise<void> {
  const logger = createLogger('defi-realtime', env.LOG_LEVEL);
  const engine = await createEngine({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, logger });
  const db = await openDatabase({ url: env.DATABASE_URL, logger });
  // The events stream (event processor -> alert engine) and the alert outbox.
  const queue = await createQueue({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, logger });
  const shared = { engine, db, queue };
  // Each app reads its own variables from the environment, with PORT set per app.
  const envFor = (port: number) => ({ ...process.env, PORT: String(port) });

  const apps: Array<[string, RunningApp]> = [];
  const gw = await gateway.start(gateway.loadConfig(envFor(env.GATEWAY_PORT)), { logger: logger.child({ app: 'gateway' }), ...shared });
  apps.push(['gateway', gw]);
  // A fresh key each start: the embedded database lives and dies with this process.
  const demo = await gw.keys.create({ name: 'demo', tier: 'pro', owner: 'demo' });
  // The demo answers REST without a key too (free tier, limited per IP), as DefiLlama's public API does.
  // Reference values (change_1h/1d/7d, movers) every 10 s, so the backfilled week shows at once.
  const queryEnv = { ANONYMOUS_ACCESS: 'true', REFERENCE_REFRESH_MS: '10000', ...envFor(env.QUERY_API_PORT) };
  apps.push(['query-api', await queryApi.start(queryApi.loadConfig(queryEnv), { logger: logger.child({ app: 'query-api' }), db })]);
  apps.push(['alert-engine', await alertEngine.start(alertEngine.loadConfig(envFor(env.ALERT_ENGINE_PORT)), { logger: logger.child({ app: 'alert-engine' }), ...shared })]);
  // The demo streams simulated markets unless SIMULATOR=off; ingest takes a token made up here unless one is set.
  const ingestToken = process.env.INGEST_TOKEN ?? `demo-${randomBytes(12).toString('hex')}`;
  const processorEnv = { ...envFor(env.EVENT_PROCESSOR_PORT), SIMULATOR: process.env.SIMULATOR ?? 'on', SIMULATOR_BACKFILL_HOURS: process.env.SIMULATOR_BACKFILL_HOURS ?? '168', INGEST_TOKEN: ingestToken };
  apps.push(['event-processor', await eventProcessor.start(eventProcessor.loadConfig(processorEnv), { logger: logger.child({ app: 'event-processor' }), ...shared })]);

  const ws = apps[0]![1].url.replace(/^http/, 'ws');
  console.log(
    [
      '',
      'defi-realtime is running (one process)',
      `  engine:    ${env.REDIS_URL ? `Redis ${env.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')}` : 'in memory'}`,
      `  database:  ${env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded, in memory)'}`,
      `  live data: ${processorEnv.SIMULATOR === 'off' ? 'none (SIMULATOR=off): POST /v1/ingest' : 'simulated markets (SIMULATOR=off to stop)'}`,
      '',
      `  WebSocket        ${ws}/v2/realtime`,
      `  demo API key     ${demo.key}   (tier pro)`,
      `  ingest token     ${ingestToken}   (POST ${apps[3]![1].url}/v1/ingest, Authorization: Bearer ...)`,
      ...apps.map(([name, app]) => `  ${name.padEnd(16)} ${app.url}   (${app.url}/healthz, ${app.url}/readyz)`),
      '',
      'Watch the stream:',
      `  npx defi-realtime subscribe prices --api-key ${demo.key}${env.GATEWAY_PORT === 8080 ? '' : ` --url ${ws}/v2/realtime`}`,
      `  npx defi-realtime subscribe token:coingecko:ethereum --json --api-key ${demo.key}`,
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  onShutdown(async () => {
    for (const [, app] of apps.reverse()) await app.close();
    await queue.close();
    await db.close();
    await engine.close();
  }, logger);
}

main().catch((err: unknown) => {
  console.error('defi-realtime failed to start:', err);
  process.exit(1);
});
