import type { EngineOptions } from './engine';
import { newNodeId } from './ids';

/** EngineOptions with every default applied; validated once and frozen. */
export type ResolvedEngineOptions = Readonly<Required<EngineOptions>>;

/** The defaults of `EngineOptions` (nodeId and nodeTimeoutMs are derived). */
export const ENGINE_DEFAULTS = Object.freeze({
  historySize: 5_000,
  historyTtlMs: 300_000,
  heartbeatMs: 5_000,
});

const NODE_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Apply defaults and throw a TypeError naming the first invalid option. */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  const heartbeatMs = options.heartbeatMs ?? ENGINE_DEFAULTS.heartbeatMs;
  const resolved = {
    nodeId: options.nodeId ?? newNodeId(),
    historySize: options.historySize ?? ENGINE_DEFAULTS.historySize,
    historyTtlMs: options.historyTtlMs ?? ENGINE_DEFAULTS.historyTtlMs,
    heartbeatMs,
    nodeTimeoutMs: options.nodeTimeoutMs ?? 2 * heartbeatMs,
  };
  if (!NODE_ID.test(resolved.nodeId)) {
    throw new TypeError(`EngineOptions.nodeId must be 1-64 of A-Z a-z 0-9 _ . : -, got "${resolved.nodeId}"`);
  }
  positiveInteger('historySize', resolved.historySize);
  positiveInteger('historyTtlMs', resolved.historyTtlMs);
  positiveInteger('heartbeatMs', resolved.heartbeatMs);
  positiveInteger('nodeTimeoutMs', resolved.nodeTimeoutMs);
  if (resolved.nodeTimeoutMs <= resolved.heartbeatMs) {
    throw new TypeError(
      `EngineOptions.nodeTimeoutMs (${resolved.nodeTimeoutMs}) must be greater than heartbeatMs ` +
        `(${resolved.heartbeatMs}), or live nodes would be declared down between two heartbeats`,
    );
  }
  return Object.freeze(resolved);
}

export function positiveInteger(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value > 0)) {
    throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}
