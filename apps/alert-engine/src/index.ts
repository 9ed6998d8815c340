export { start } from './start';
export type { AlertEngineDeps } from './start';
export { loadConfig, AlertEngineEnvSchema } from './config';
export type { AlertEngineConfig } from './config';
