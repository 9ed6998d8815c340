export { start } from './start';
export type { QueryApiDeps, RunningQueryApi } from './start';
export { loadConfig, QueryApiEnvSchema } from './config';
export type { QueryApiConfig } from './config';
