export { start } from './start';
export type { AlertEngineDeps } from './start';
export { loadConfig, AlertEngineEnvSchema } from './config';
export type { AlertEngineConfig } from './config';
// What the benchmarks and one-process tools drive directly.
export {
  startEvaluation,
  createStateStore,
  EVALUATION_DEFAULTS,
  EVALUATION_GROUP,
  evaluationOptionsFromEnv,
} from './evaluation';
export type { BatchReport, Evaluation, EvaluationOptions } from './evaluation';
export { startDelivery } from './delivery';
export { NotificationSchema } from './notifications/notification';
export type { Notification } from './notifications/notification';
