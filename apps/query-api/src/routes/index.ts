import type { ApiApp } from '@defi-realtime/runtime';
import { registerCoinsRoutes } from './coins-routes';
import type { RouteDeps } from './deps';
import { registerQueryRoutes } from './query-routes';
import { registerTvlRoutes } from './tvl-routes';

export type { RouteDeps } from './deps';

/**
 * Register every route of the query API on an app from createApiApp: DefiLlama's TVL and
 * coins endpoints and our advanced queries. Each declares zod schemas (validation, OpenAPI)
 * and `config.cache` (the data tags its answer depends on).
 */
export function registerRoutes(app: ApiApp, deps: RouteDeps): void {
  registerTvlRoutes(app, deps);
  registerCoinsRoutes(app, deps);
  registerQueryRoutes(app, deps);
}
