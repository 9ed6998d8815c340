export { start } from './start';
export type { GatewayDeps, RunningGateway } from './start';
export { loadConfig, GatewayEnvSchema } from './config';
export type { GatewayConfig } from './config';
export { REALTIME_PATH } from './server/upgrade';
