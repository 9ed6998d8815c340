import { openDatabase, type Database } from '@defi-realtime/db';
import { createEngine, type Engine } from '@defi-realtime/engine';
import {
  Closer,
  Health,
  createHttpApp,
  describeConfig,
  listenHttpApp,
  runningApp,
  type Logger,
  type RunningApp,
} from '@defi-realtime/runtime';
import type { AlertEngineConfig } from './config';

export interface AlertEngineDeps {
  logger: Logger;
  /** A shared database (one-process mode); when absent the app opens, migrates and owns its own. */
  db?: Database;
  /** A shared engine (one-process mode); when absent the app opens and owns its own. */
  engine?: Engine;
}

/** Start the alert-engine over HTTP; its real routes come with its own issue. */
export async function start(config: AlertEngineConfig, deps: AlertEngineDeps): Promise<RunningApp> {
  const { logger } = deps;
  const closer = new Closer(logger);
  const db = deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());
  const engine =
    deps.engine ??
    closer.add('engine', await createEngine({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, logger }), (e) =>
      e.close(),
    );

  const health = new Health().addCheck('database', () => db.query('SELECT 1'))
    .addCheck('engine', () => engine.nodes());
  const app = createHttpApp({ logger, health });
  const url = await listenHttpApp(app, config.PORT, config.HOST);
  closer.add('http', app, (a) => a.close());
  logger.info({ url, config: describeConfig(config) }, 'alert-engine listening');
  return runningApp(url, health, closer);
}
