export { start } from './start';
export type { EventProcessorDeps, RunningEventProcessor } from './start';
export { loadConfig, EventProcessorEnvSchema } from './config';
export type { EventProcessorConfig } from './config';
