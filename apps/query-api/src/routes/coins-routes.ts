import { ProtocolError } from '@defi-realtime/protocol';
import type { ApiApp, ZodTypeProvider } from '@defi-realtime/runtime';
import { z } from 'zod';
import { ChartPlanError, chartTargets, currentPrices, historicalPrices, priceChart, pricePercentages } from '../data';
import { coinTags } from './cache-tags';
import type { RouteDeps } from './deps';
import { ChartSchema, CoinPricesSchema, PercentageSchema } from './schemas/coins';
import { ErrorSchema } from './schemas/errors';
import { CoinsParamSchema, DurationSchema, UnixTimestampSchema } from './schemas/params';

const TAGS = ['Coins (DefiLlama-compatible)'];
const CoinsParams = z.object({ coins: CoinsParamSchema });
/** DefiLlama's default search width for current and historical prices. */
const DEFAULT_SEARCH_WIDTH_SEC = 6 * 3_600;
const DAY_SEC = 86_400;
/** Point lookups one /chart request may cost (coins x points). */
const MAX_CHART_LOOKUPS = 10_000;

/** DefiLlama's coins endpoints (coins.llama.fi): current and historical prices, charts, percentage changes. */
export function registerCoinsRoutes(app: ApiApp, { db, now = Date.now }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const nowSec = () => Math.floor(now() / 1000);
  const errors = { 400: ErrorSchema };

  api.get(
    '/prices/current/:coins',
    {
      schema: {
        summary: 'Current prices',
        description: 'Coins without a price newer than `searchWidth` (default 6h) are left out, as are unknown coins.',
        tags: TAGS,
        params: CoinsParams,
        querystring: z.object({ searchWidth: DurationSchema.optional() }),
        response: { 200: CoinPricesSchema, ...errors },
      },
      config: { cache: coinTags },
    },
    async (req) => ({
      coins: await currentPrices(db, req.params.coins, {
        searchWidthSec: req.query.searchWidth ?? DEFAULT_SEARCH_WIDTH_SEC,
        nowMs: now(),
      }),
    }),
  );

  api.get(
    '/prices/historical/:timestamp/:coins',
    {
      schema: {
        summary: 'Prices at a time',
        description: "Each coin's price point nearest to `timestamp` within `searchWidth` (default 6h) on either side.",
        tags: TAGS,
        params: z.object({ timestamp: UnixTimestampSchema, coins: CoinsParamSchema }),
        querystring: z.object({ searchWidth: DurationSchema.optional() }),
        response: { 200: CoinPricesSchema, ...errors },
      },
      config: { cache: coinTags },
    },
    async (req) => ({
      coins: await historicalPrices(db, req.params.coins, {
        timestampSec: req.params.timestamp,
        searchWidthSec: req.query.searchWidth ?? DEFAULT_SEARCH_WIDTH_SEC,
      }),
    }),
  );

  api.get(
    '/chart/:coins',
    {
      schema: {
        summary: 'Prices at regular intervals',
        description:
          'Forward from `start` every `period` (default 24h) up to `span` points or until `end`/now; without `start`, `span` points (default 1) back from `end` (default now). ' +
          'Each point is the one nearest to its time within `searchWidth` (default 10% of the period).',
        tags: TAGS,
        params: CoinsParams,
        querystring: z.object({
          start: UnixTimestampSchema.optional(),
          end: UnixTimestampSchema.optional(),
          span: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(1_000).optional(),
          period: DurationSchema.optional(),
          searchWidth: DurationSchema.optional(),
        }),
        response: { 200: ChartSchema, ...errors },
      },
      config: { cache: coinTags },
    },
    async (req) => {
      const { start, end, span } = req.query;
      const periodSec = req.query.period ?? DAY_SEC;
      let targetsSec: number[];
      try {
        targetsSec = chartTargets(
          { start, end, span, periodSec, nowSec: nowSec() },
          Math.floor(MAX_CHART_LOOKUPS / new Set(req.params.coins.map((c) => c.id)).size),
        );
      } catch (err) {
        if (err instanceof ChartPlanError)
          throw new ProtocolError('BAD_REQUEST', `query.${err.field}: ${err.message}`, { field: `query.${err.field}` });
        throw err;
      }
      return {
        coins: await priceChart(db, req.params.coins, {
          targetsSec,
          searchWidthSec: req.query.searchWidth ?? periodSec / 10,
        }),
      };
    },
  );

  api.get(
    '/percentage/:coins',
    {
      schema: {
        summary: 'Percent change of prices over a period',
        description: 'From `timestamp` (default now) back `period` (default 24h), or forward with `lookForward=true`.',
        tags: TAGS,
        params: CoinsParams,
        querystring: z.object({
          timestamp: UnixTimestampSchema.optional(),
          lookForward: z.stringbool({ error: "expected 'true' or 'false'" }).default(false),
          period: DurationSchema.optional(),
          searchWidth: DurationSchema.optional(),
        }),
        response: { 200: PercentageSchema, ...errors },
      },
      config: { cache: coinTags },
    },
    async (req) => {
      const at = req.query.timestamp ?? nowSec();
      const periodSec = req.query.period ?? DAY_SEC;
      const [fromSec, toSec] = req.query.lookForward ? [at, at + periodSec] : [at - periodSec, at];
      return {
        coins: await pricePercentages(db, req.params.coins, {
          fromSec,
          toSec,
          searchWidthSec: req.query.searchWidth ?? periodSec / 10,
        }),
      };
    },
  );
}
