export { start } from './start';
export type { QueryApiDeps } from './start';
export { loadConfig, QueryApiEnvSchema } from './config';
export type { QueryApiConfig } from './config';
