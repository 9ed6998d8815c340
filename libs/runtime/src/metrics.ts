import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A Prometheus registry for one app, with the process metrics (CPU, memory, event loop
 * lag, GC) and an `app` label, so four apps in one process keep their series apart.
 */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
