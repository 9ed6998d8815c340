import type { Database } from '@defi-realtime/db';
import { Health, createApiApp, createLogger, type ApiApp } from '@defi-realtime/runtime';
import { MAX_PARAM_LENGTH } from '../../src/http/app';
import { registerRoutes } from '../../src/routes';

/**
 * An app from createApiApp with every route of src/routes, on `db`, with a pinned clock.
 * Long path parameters allowed as the query API allows them (coin lists travel in the path).
 */
export async function routesApp(db: Database, nowMs: number): Promise<ApiApp> {
  const logger = createLogger('query-api-test', 'silent');
  const app = await createApiApp({
    logger,
    health: new Health(),
    maxParamLength: MAX_PARAM_LENGTH,
    openapi: { title: 'query-api test', version: '0.0.0' },
  });
  registerRoutes(app, { db, logger, now: () => nowMs });
  await app.ready();
  return app;
}

/** GET `url` and the parsed JSON body. */
export async function getJson(app: ApiApp, url: string): Promise<{ status: number; body: unknown }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}
