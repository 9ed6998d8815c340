import { z } from 'zod';
import type { EngineOptions } from './engine';
import { ENGINE_DEFAULTS } from './options';

const positiveWhole = (what: string, fallback: number) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int(`expected a whole number of ${what}`)
    .positive('expected a number above 0')
    .default(fallback);

/**
 * The engine's bounds of a channel's history, as environment variables. Every app that
 * creates an engine spreads this shape into its env schema and passes
 * `engineOptionsFromEnv(config)` to createEngine: whoever publishes trims the history
 * with the same bounds the gateway recovers from.
 */
export const engineEnvShape = {
  /** Events kept per channel for recovery (`since`, `resume`); older ones are trimmed at each publish. */
  HISTORY_SIZE: positiveWhole('events', ENGINE_DEFAULTS.historySize),
  /** How long a channel's history outlives its last publish (ms); longer than the gateway's RECOVERY_WINDOW_MS. */
  HISTORY_TTL_MS: positiveWhole('milliseconds', ENGINE_DEFAULTS.historyTtlMs),
};

/** The parsed variables of engineEnvShape. */
export type EngineEnv = z.output<z.ZodObject<typeof engineEnvShape>>;

/** The history bounds of EngineOptions from the parsed environment. */
export function engineOptionsFromEnv(env: EngineEnv): Pick<EngineOptions, 'historySize' | 'historyTtlMs'> {
  return { historySize: env.HISTORY_SIZE, historyTtlMs: env.HISTORY_TTL_MS };
}
