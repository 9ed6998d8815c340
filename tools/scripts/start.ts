/*
 * `npm start`: the whole system in one process on embedded defaults: one engine and one
 * database shared by the gateway, event processor, query API and alert engine. Set
 * REDIS_URL / DATABASE_URL to use real servers instead.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import * as alertEngine from '@defi-realtime/alert-engine';
import { openDatabase } from '@defi-realtime/db';
import { createEngine, engineEnvShape, engineOptionsFromEnv } from '@defi-realtime/engine';
import * as eventProcessor from '@defi-realtime/event-processor';
import * as gateway from '@defi-realtime/gateway';
import * as queryApi from '@defi-realtime/query-api';
import { createQueue } from '@defi-realtime/queue';
import {
  ConfigError,
  createLogger,
  envFields,
  onShutdown,
  parseEnv,
  serviceEnvShape,
  type RunningApp,
} from '@defi-realtime/runtime';
import { bannerLines, type AppName } from './banner';

const { PORT: _unused, ...common } = serviceEnvShape(0);
const processorShape = eventProcessor.EventProcessorEnvSchema.shape;
const queryShape = queryApi.QueryApiEnvSchema.shape;

/** What `npm start` itself reads; each app then reads its own variables from the same environment. */
const StartEnvSchema = z.object({
  ...common,
  // The engine all four apps share: its history bounds are the ones every publisher trims with.
  ...engineEnvShape,
  // Quiet by default so the banner stays readable; LOG_LEVEL=info shows every event.
  LOG_LEVEL: envFields.logLevel().default('warn'),
  GATEWAY_PORT: envFields.port(8080),
  QUERY_API_PORT: envFields.port(8081),
  ALERT_ENGINE_PORT: envFields.port(8082),
  EVENT_PROCESSOR_PORT: envFields.port(8083),
  // The apps' own variables that the demo defaults differently; passed on as resolved here.
  // Simulated markets with a week of history, unless told otherwise.
  SIMULATOR: envFields.bool(true),
  SIMULATOR_BACKFILL_HOURS: processorShape.SIMULATOR_BACKFILL_HOURS.default(168),
  // Ingest takes a token made up at start unless one is set.
  INGEST_TOKEN: processorShape.INGEST_TOKEN,
  // REST answers without a key too (free tier, limited per IP), as DefiLlama's public API does.
  ANONYMOUS_ACCESS: envFields.bool(true),
  // Reference values (change_1h/1d/7d, movers) every 10 s, so the backfilled week shows at once.
  REFERENCE_REFRESH_MS: queryShape.REFERENCE_REFRESH_MS.default(10_000),
});

async function main(env: z.output<typeof StartEnvSchema>): Promise<void> {
  // Every app's configuration first: a bad variable stops npm start before anything opens.
  const ingestToken = env.INGEST_TOKEN ?? `demo-${randomBytes(12).toString('hex')}`;
  const configs = {
    gateway: gateway.loadConfig(envFor(env.GATEWAY_PORT)),
    'query-api': queryApi.loadConfig(
      envFor(env.QUERY_API_PORT, {
        ANONYMOUS_ACCESS: String(env.ANONYMOUS_ACCESS),
        REFERENCE_REFRESH_MS: String(env.REFERENCE_REFRESH_MS),
      }),
    ),
    'alert-engine': alertEngine.loadConfig(envFor(env.ALERT_ENGINE_PORT)),
    'event-processor': eventProcessor.loadConfig(
      envFor(env.EVENT_PROCESSOR_PORT, {
        SIMULATOR: String(env.SIMULATOR),
        SIMULATOR_BACKFILL_HOURS: String(env.SIMULATOR_BACKFILL_HOURS),
        INGEST_TOKEN: ingestToken,
      }),
    ),
  } satisfies Record<AppName, object>;

  const logger = createLogger('defi-realtime', env.LOG_LEVEL);
  const engine = await createEngine({
    redisUrl: env.REDIS_URL,
    prefix: env.REDIS_PREFIX,
    ...engineOptionsFromEnv(env),
    logger,
  });
  const db = await openDatabase({ url: env.DATABASE_URL, logger });
  // The events stream (event processor -> alert engine) and the alert outbox.
  const queue = await createQueue({ redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX, logger });
  const shared = { engine, db, queue };
  const loggerFor = (app: AppName) => logger.child({ app });

  const started: Array<[AppName, RunningApp]> = [];
  onShutdown(async () => {
    for (const [, app] of started.reverse()) await app.close();
    await queue.close();
    await db.close();
    await engine.close();
  }, logger);

  const gw = await gateway.start(configs.gateway, { logger: loggerFor('gateway'), ...shared });
  started.push(['gateway', gw]);
  // A fresh key each start: the embedded database lives and dies with this process.
  const demo = await gw.keys.create({ name: 'demo', tier: 'pro', owner: 'demo' });
  started.push(['query-api', await queryApi.start(configs['query-api'], { logger: loggerFor('query-api'), db })]);
  started.push([
    'alert-engine',
    await alertEngine.start(configs['alert-engine'], { logger: loggerFor('alert-engine'), ...shared }),
  ]);
  started.push([
    'event-processor',
    await eventProcessor.start(configs['event-processor'], { logger: loggerFor('event-processor'), ...shared }),
  ]);

  const urls = Object.fromEntries(started.map(([name, app]) => [name, app.url])) as Record<AppName, string>;
  console.log(
    bannerLines({
      urls,
      engine: env.REDIS_URL ? `Redis ${env.REDIS_URL.replace(/\/\/[^@]*@/, '//***@')}` : 'in memory',
      database: env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (embedded, in memory)',
      simulator: env.SIMULATOR,
      demoKey: demo.key,
      ingestToken,
    }).join('\n'),
  );
}

/** An app's environment: this process's, with its PORT and the values resolved here. */
function envFor(port: number, resolved: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...resolved, PORT: String(port) };
}

// A bad variable (of npm start or of any app) stops it with exit code 2 naming it, as every app does.
function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  console.error('defi-realtime failed to start:', err);
  process.exit(1);
}

try {
  main(parseEnv('npm start', StartEnvSchema)).catch(exitOnConfigError);
} catch (err) {
  exitOnConfigError(err);
}
