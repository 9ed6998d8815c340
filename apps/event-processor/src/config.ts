import { z } from 'zod';
import { engineEnvShape } from '@defi-realtime/engine';
import { QUEUE_DEFAULTS, streamsEnvShape } from '@defi-realtime/queue';
import { envFields, parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

const percent = z.coerce.number({ error: 'expected a percent' }).nonnegative();

/** The event-processor's environment: every variable, its default and what it is for. */
export const EventProcessorEnvSchema = z.object({
  ...serviceEnvShape(8083),
  /** HISTORY_SIZE, HISTORY_TTL_MS: the history this app's publishes trim each channel to. */
  ...engineEnvShape,
  /** Bearer token required by POST /v1/ingest. Unset: ingest is refused. */
  INGEST_TOKEN: z.string().min(16, 'expected at least 16 characters').optional(),
  /** Stream rows other pipelines insert into price_points / tvl_points (PostgreSQL NOTIFY). */
  POSTGRES_CHANGES: envFields.bool(true),
  /** Run the market simulator (random walks over tools/fixtures). */
  SIMULATOR: envFields.bool(false),
  SIMULATOR_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
  /** Simulated seconds per real second. */
  SIMULATOR_SPEED: z.coerce.number().positive().default(60),
  /** Hours of hourly history the simulator writes at start (charts and changes have data at once); 0: none. */
  SIMULATOR_BACKFILL_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 90)
    .default(0),
  /** Poll DefiLlama's API for TVL and prices. */
  DEFILLAMA_POLL: envFields.bool(false),
  DEFILLAMA_API_URL: z.url().default('https://api.llama.fi'),
  DEFILLAMA_COINS_URL: z.url().default('https://coins.llama.fi'),
  DEFILLAMA_POLL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Coins to poll prices for, comma-separated DefiLlama ids. */
  DEFILLAMA_COINS: z
    .string()
    .default(
      'coingecko:bitcoin,coingecko:ethereum,coingecko:solana,coingecko:binancecoin,coingecko:tether,coingecko:usd-coin',
    )
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** A price moving at least this percent since the last event makes an event. */
  PRICE_CHANGE_PCT: percent.default(0.1),
  /** A TVL moving at least this percent... */
  TVL_CHANGE_PCT: percent.default(1),
  /** ...or at least this many dollars makes an event. */
  TVL_CHANGE_USD: z.coerce.number().nonnegative().default(10_000),
  /** Points buffered while PostgreSQL is slow or down; past it ingest answers 503. */
  WRITE_BUFFER_MAX: z.coerce.number().int().positive().default(200_000),
  /** EVENTS_STREAM: the stream every published event is appended to for the alert engine (`off`: none). */
  ...streamsEnvShape,
  /** Trim the events stream to about this many events: the backlog kept while the alert engine is down. */
  EVENTS_STREAM_MAXLEN: z.coerce
    .number({ error: 'expected a number of events' })
    .int()
    .positive()
    .default(QUEUE_DEFAULTS.maxLen),
});
export type EventProcessorConfig = z.output<typeof EventProcessorEnvSchema>;

/** Parse the event-processor's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EventProcessorConfig {
  return parseEnv('event-processor', EventProcessorEnvSchema, env);
}
