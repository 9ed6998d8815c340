import { z } from 'zod';
import { envFields, parseEnv, serviceEnvShape } from '@defi-realtime/runtime';

const percent = z.coerce.number({ error: 'expected a percent' }).nonnegative();

/** The event-processor's environment: every variable, its default and what it is for. */
export const EventProcessorEnvSchema = z.object({
  ...serviceEnvShape(8083),
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
  SIMULATOR_BACKFILL_HOURS: z.coerce.number().int().min(0).max(24 * 90).default(0),
  /** Poll DefiLlama's API for TVL and prices. */
  DEFILLAMA_POLL: envFields.bool(false),
  DEFILLAMA_API_URL: z.url().default('https://api.llama.fi'),
  DEFILLAMA_COINS_URL: z.url().default('https://coins.llama.fi'),
  DEFILLAMA_POLL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Coins to poll prices for, comma-separated DefiLlama ids. */
  DEFILLAMA_COINS: z
    .string()
    .default('coingecko:bitcoin,coingecko:ethereum,coingecko:solana,coingecko:binancecoin,coingecko:tether,coingecko:usd-coin')
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
  /** A price moving at least this percent since the last event makes an event. */
  PRICE_CHANGE_PCT: percent.default(0.1),
  /** A TVL moving at least this percent... */
  TVL_CHANGE_PCT: percent.default(1),
  /** ...or at least this many dollars makes an event. */
  TVL_CHANGE_USD: z.coerce.number().nonnegative().default(10_000),
  /** Points buffered while PostgreSQL is slow or down; past it ingest answers 503. */
  WRITE_BUFFER_MAX: z.coerce.number().int().positive().default(200_000),
  /**
   * Queue stream every published event is appended to, for the alert engine's consumer
   * group (libs/queue). `off` disables the feed (an empty value means the default, as for
   * every variable).
   */
  EVENTS_STREAM: z
    .string()
    .regex(/^[^\s{}*?[\]\\]{1,256}$/, 'expected a stream name (1-256 characters without spaces, braces or * ? [ ] \\) or off')
    .default('events'),
  /** Trim the events stream to about this many events: the backlog kept while the alert engine is down. */
  EVENTS_STREAM_MAXLEN: z.coerce.number({ error: 'expected a number of events' }).int().positive().default(1_000_000),
});
export type EventProcessorConfig = z.output<typeof EventProcessorEnvSchema>;

/** The value of EVENTS_STREAM that turns the events feed off. */
export const EVENTS_STREAM_OFF = 'off';

/** Parse the event-processor's environment; throws a ConfigError naming any bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EventProcessorConfig {
  return parseEnv('event-processor', EventProcessorEnvSchema, env);
}
