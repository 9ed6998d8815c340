/*
 * Compile-time half of the check against DefiLlama's own TypeScript SDK (@defillama/api):
 * each DefiLlama-compatible answer's type (inferred from the route's response schema, which
 * the handlers are type-checked against) must be assignable to the type the SDK declares
 * for that endpoint, or `npm run typecheck` fails here. The run-time half is
 * sdk-answers.test.ts: the same SDK types, checked against real answers.
 */
import type {
  Chain,
  ChartResponse,
  CoinPricesResponse,
  HistoricalChainTvl,
  HistoricalChainsTvl,
  PercentageResponse,
  Protocol,
  ProtocolDetails,
} from '@defillama/api';
import type { z } from 'zod';
import type { ChartSchema, CoinPricesSchema, PercentageSchema } from '../../src/routes/schemas/coins';
import type {
  ChainListSchema,
  HistoricalChainTvlSchema,
  ProtocolDetailSchema,
  ProtocolListSchema,
  TvlNumberSchema,
} from '../../src/routes/schemas/tvl';

/** Compiles only when `Answer` can be used where the SDK promises `Sdk`. */
type Assignable<Answer extends Sdk, Sdk> = Answer;
type Answer<S extends z.ZodType> = z.output<S>;

export type DefiLlamaSdkCompatibility = [
  Assignable<Answer<typeof ProtocolListSchema>, Protocol[]>, // GET /protocols (getProtocols)
  Assignable<Answer<typeof ProtocolDetailSchema>, ProtocolDetails>, // GET /protocol/:slug (getProtocol)
  Assignable<Answer<typeof TvlNumberSchema>, number>, // GET /tvl/:slug (getTvl)
  Assignable<Answer<typeof ChainListSchema>, Chain[]>, // GET /v2/chains (getChains)
  Assignable<Answer<typeof HistoricalChainTvlSchema>, HistoricalChainsTvl[]>, // GET /v2/historicalChainTvl (getHistoricalChainTvl())
  Assignable<Answer<typeof HistoricalChainTvlSchema>, HistoricalChainTvl[]>, // GET /v2/historicalChainTvl/:chain
  Assignable<Answer<typeof CoinPricesSchema>, CoinPricesResponse>, // GET /prices/current/:coins, /prices/historical/:ts/:coins
  Assignable<Answer<typeof ChartSchema>, ChartResponse>, // GET /chart/:coins (getChart)
  Assignable<Answer<typeof PercentageSchema>, PercentageResponse>, // GET /percentage/:coins (getPercentageChange)
];
