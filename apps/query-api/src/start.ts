import { openDatabase, type Database } from '@defi-realtime/db';
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
import type { QueryApiConfig } from './config';

export interface QueryApiDeps {
  logger: Logger;
  /** A shared database (one-process mode); when absent the app opens, migrates and owns its own. */
  db?: Database;
}

/** Start the query-api over HTTP; its real routes come with its own issue. */
export async function start(config: QueryApiConfig, deps: QueryApiDeps): Promise<RunningApp> {
  const { logger } = deps;
  const closer = new Closer(logger);
  const db = deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());

  const health = new Health().addCheck('database', () => db.query('SELECT 1'));
  const app = createHttpApp({ logger, health });
  const url = await listenHttpApp(app, config.PORT, config.HOST);
  closer.add('http', app, (a) => a.close());
  logger.info({ url, config: describeConfig(config) }, 'query-api listening');
  return runningApp(url, health, closer);
}
