export type {
  ChannelEvent,
  Engine,
  EngineOptions,
  EventHandler,
  HistoryQuery,
  HistoryResult,
  NodeDownHandler,
} from './engine';
export { createEngine } from './create-engine';
export type { CreateEngineOptions } from './create-engine';
export { ENGINE_DEFAULTS, resolveEngineOptions } from './options';
export { engineEnvShape, engineOptionsFromEnv } from './env';
export type { EngineEnv } from './env';
export type { ResolvedEngineOptions } from './options';
export { EngineNotRunningError } from './lifecycle';
export type { EngineStatus } from './lifecycle';
export { MemoryEngine } from './memory/memory-engine';
export type { MemoryEngineOptions } from './memory/memory-engine';
export { MemoryHub } from './memory/memory-hub';
export { RedisEngine } from './redis/redis-engine';
export type { RedisEngineOptions, RedisEngineStats } from './redis/redis-engine';
