import {
  ApiKeyStore,
  Authenticator,
  HTTP_SECURITY_SCHEMES,
  httpSecurity,
  jwtVerifierFromEnv,
} from '@defi-realtime/auth';
import { openDatabase, type Database } from '@defi-realtime/db';
import { createEngine, engineOptionsFromEnv, type Engine } from '@defi-realtime/engine';
import { createQueue, type Queue } from '@defi-realtime/queue';
import {
  Closer,
  startClosing,
  Health,
  createApiApp,
  createMetricsRegistry,
  describeConfig,
  listenHttpApp,
  runningApp,
  type Logger,
  type RunningApp,
} from '@defi-realtime/runtime';
import type { AlertEngineConfig } from './config';
import { deliveryOptionsFromEnv, deliveryRoutes, startDelivery } from './delivery';
import { createStateStore, evaluationOptionsFromEnv, startEvaluation } from './evaluation';
import { registerAuth } from './http/auth';
import { ruleRoutes } from './rules';

export interface AlertEngineDeps {
  logger: Logger;
  /** A shared database (one-process mode); when absent the app opens, migrates and owns its own. */
  db?: Database;
  /** A shared engine (one-process mode); when absent the app opens and owns its own. */
  engine?: Engine;
  /** A shared queue (one-process mode: the event processor feeds it); when absent the app opens its own. */
  queue?: Queue;
}

/**
 * Start the alert engine: the rules API (`/v2/alerts`), evaluation of every event on the
 * events stream (a consumer-group worker) and delivery of the notifications it produces
 * (WebSocket, webhook, email) with retries, dead letters and replay.
 */
export async function start(config: AlertEngineConfig, deps: AlertEngineDeps): Promise<RunningApp> {
  return startClosing(deps.logger, (closer) => startWith(config, deps, closer));
}

async function startWith(config: AlertEngineConfig, deps: AlertEngineDeps, closer: Closer): Promise<RunningApp> {
  const { logger } = deps;
  const db =
    deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());
  const engine =
    deps.engine ??
    closer.add(
      'engine',
      await createEngine({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        ...engineOptionsFromEnv(config),
        logger,
      }),
      (e) => e.close(),
    );
  const queue =
    deps.queue ??
    closer.add('queue', await createQueue({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger }), (q) =>
      q.close(),
    );
  const registry = createMetricsRegistry('alert-engine');

  const delivery = closer.add(
    'delivery',
    await startDelivery({ db, engine, queue, logger, metrics: registry }, deliveryOptionsFromEnv(config)),
    (d) => d.stop(),
  );
  if (config.ALERT_EVAL_ENABLED) {
    const states = closer.add(
      'rule states',
      await createStateStore({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, queue, logger }),
      (s) => s.close(),
    );
    closer.add(
      'evaluation',
      await startEvaluation({ db, queue, states, logger, registry }, evaluationOptionsFromEnv(config)),
      (e) => e.stop(),
    );
  }

  const health = new Health().addCheck('database', () => db.query('SELECT 1')).addCheck('engine', () => engine.nodes());
  const app = await createApiApp({
    logger,
    health,
    metrics: registry,
    openapi: {
      title: 'defi-realtime alerts API',
      version: '1.0.0',
      description:
        'Alert rules on prices and TVL, delivered by WebSocket, signed webhook or email. See docs/alerts.md.',
      securitySchemes: HTTP_SECURITY_SCHEMES,
      security: httpSecurity(),
    },
  });
  registerAuth(app, {
    authenticator: new Authenticator({ apiKeys: new ApiKeyStore(db), jwt: jwtVerifierFromEnv(config) }),
  });
  await app.register(ruleRoutes, { db, queue, logger });
  await app.register(deliveryRoutes, { db, delivery });
  const url = await listenHttpApp(app, config.PORT, config.HOST);
  closer.add('http', app, (a) => a.close());
  logger.info({ url, config: describeConfig(config) }, 'alert-engine listening');
  return runningApp(url, health, closer);
}
