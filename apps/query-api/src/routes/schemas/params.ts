import {
  ChainSchema,
  EARLIEST_OBSERVATION_MS,
  ProtocolIdSchema,
  TokenIdSchema,
  normalizeTokenId,
} from '@defi-realtime/protocol';
import { z } from 'zod';
import { chainKeyFromName, parseDuration } from '../../data';

/** Coins per request: DefiLlama answers more, but a cacheable URL needs a bound. */
export const MAX_COINS = 100;
/** The longest period or search width accepted. */
export const MAX_DURATION_SEC = 365 * 86_400;
/** Sane unix-second bounds: 2009-01-01 (before any token; the earliest observation ingest accepts) to 2100-01-01. */
export const MIN_UNIX = EARLIEST_OBSERVATION_MS / 1000;
export const MAX_UNIX = 4_102_444_800;

/**
 * DefiLlama's comma-separated coin list (`coingecko:ethereum,ethereum:0xA0b8...`): 1-100
 * token ids, each checked (an error names its position, `params.coins.2`), kept as sent
 * (answers echo it) and lower-cased for lookups.
 */
export const CoinsParamSchema = z
  .string()
  .max(MAX_COINS * 200 + MAX_COINS)
  .transform((raw) => raw.split(','))
  .pipe(
    z
      .array(
        z.string().superRefine((coin, ctx) => {
          const parsed = TokenIdSchema.safeParse(coin);
          if (!parsed.success)
            ctx.addIssue({
              code: 'custom',
              message: parsed.error.issues[0]?.message ?? 'invalid token id',
              input: coin,
            });
        }),
      )
      .min(1, { error: 'expected at least one coin' })
      .max(MAX_COINS, { error: `expected at most ${MAX_COINS} coins per request` }),
  )
  .transform((keys) => keys.map((key) => ({ key, id: normalizeTokenId(key) })))
  .meta({
    description: 'Comma-separated token ids: `coingecko:<id>` or `<chain>:<address>` (at most 100)',
    example: 'coingecko:ethereum,ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
  });

/** A duration as DefiLlama's coins API takes it: `4h`, `30m`, `2d`, `1w`, or seconds (`600`); in seconds. */
export const DurationSchema = z
  .string()
  .max(20)
  .transform((text, ctx) => {
    const seconds = parseDuration(text);
    if (seconds === undefined || seconds <= 0 || seconds > MAX_DURATION_SEC) {
      ctx.addIssue({
        code: 'custom',
        message: "expected a duration like '4h', '30m', '2d', '1w' or seconds ('600'), at most 365 days",
        input: text,
      });
      return z.NEVER;
    }
    return seconds;
  })
  .meta({ example: '4h' });

/** Unix seconds between 2009 and 2100 (fractions dropped); milliseconds are refused, not guessed. */
export const UnixTimestampSchema = z.coerce
  .number({ error: 'expected unix seconds' })
  .min(MIN_UNIX, { error: `expected unix seconds after ${MIN_UNIX} (2009-01-01)` })
  .max(MAX_UNIX, { error: `expected unix seconds before ${MAX_UNIX} (2100-01-01); milliseconds? divide by 1000` })
  .transform(Math.floor)
  .meta({ example: 1_735_689_600 });

/** A protocol slug (`uniswap-v3`), any case. */
export const SlugSchema = ProtocolIdSchema.meta({ example: 'aave-v3' });

/** A chain as DefiLlama users send it: display name (`Ethereum`, `OP Mainnet`) or key (`avax`). */
export const ChainNameSchema = z
  .string()
  .max(64)
  .transform(chainKeyFromName)
  .pipe(ChainSchema)
  .meta({ example: 'Ethereum' });

/** A chain key (`ethereum`, `avax`), any case: our own endpoints speak keys. */
export const ChainKeySchema = ChainSchema.meta({ example: 'ethereum' });
