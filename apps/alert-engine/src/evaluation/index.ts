// Alert rule evaluation: what the alert-engine's start() wires and the benchmark drives.
export { startEvaluation, EVALUATION_DEFAULTS, EVALUATION_GROUP } from './worker';
export type { Evaluation, EvaluationDeps, EvaluationOptions } from './worker';
export { checkEvaluationEnv, evaluationEnvShape, evaluationOptionsFromEnv } from './env';
export type { EvaluationEnv } from './env';
export { createStateStore } from './state-store';
export type { CommitResult, RuleStateStore, StateStoreOptions, Transition } from './state-store';
export { evaluate, isRising, measure } from './evaluate';
export type { EvaluatedRule, EvaluationResult, Fire, Observation } from './evaluate';
export { INITIAL_STATE } from './rule-state';
export type { RuleState, RuleStatus } from './rule-state';
export { RuleIndex } from './rule-index';
export type { BatchReport } from './batch';
export { notificationId } from './notify';
