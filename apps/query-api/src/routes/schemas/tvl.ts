import { z } from 'zod';

// DefiLlama's TVL answers (api.llama.fi), as we serve them, typed as DefiLlama's own SDK
// (@defillama/api) declares them: a field we have no data for is left out when the SDK
// declares it optional, null only where the SDK allows null, '' where it requires a
// string, an empty array where it requires a list; never invented.

const nullableNumber = z.number().nullable();

const ProtocolMetaShape = {
  id: z
    .string()
    .meta({ description: 'The slug (DefiLlama uses a numeric id here; the slug is what every other endpoint takes)' }),
  name: z.string(),
  address: z.null(),
  symbol: z.string().meta({ description: "'-' when the protocol has no token" }),
  url: z.string(),
  description: z.string(),
  chain: z.string().meta({ description: "The only chain, 'Multi-Chain', or '' when no chain is known" }),
  logo: z.string().optional().meta({ description: 'Absent when unknown' }),
  gecko_id: z.string().nullable(),
  cmcId: z.string().nullable(),
  category: z.string().meta({ description: "'' when unknown" }),
  chains: z.array(z.string()).meta({ description: 'Display names, largest TVL first' }),
  twitter: z.string().nullable(),
  listedAt: z.number().optional().meta({ description: 'Unix seconds' }),
  slug: z.string(),
};

export const ProtocolListSchema = z.array(
  z.object({
    ...ProtocolMetaShape,
    tvl: z.number(),
    chainTvls: z.record(z.string(), z.number()),
    change_1h: nullableNumber,
    change_1d: nullableNumber,
    change_7d: nullableNumber,
  }),
);

const TvlSeriesSchema = z.array(
  z.object({ date: z.number().meta({ description: 'Unix seconds, 00:00 UTC' }), totalLiquidityUSD: z.number() }),
);
/** DefiLlama's per-token balances; we keep no token breakdowns, so always empty. */
const TokenSeriesSchema = z
  .array(z.object({ date: z.number(), tokens: z.record(z.string(), z.number()) }))
  .meta({ description: 'Always empty: token breakdowns are not kept' });

export const ProtocolDetailSchema = z.object({
  ...ProtocolMetaShape,
  tvl: TvlSeriesSchema,
  tokensInUsd: TokenSeriesSchema,
  tokens: TokenSeriesSchema,
  chainTvls: z.record(
    z.string(),
    z.object({ tvl: TvlSeriesSchema, tokensInUsd: TokenSeriesSchema, tokens: TokenSeriesSchema }),
  ),
  currentChainTvls: z.record(z.string(), z.number()),
});

export const TvlNumberSchema = z.number().meta({ description: 'Current TVL in USD' });

export const ChainListSchema = z.array(
  z.object({
    gecko_id: z.string().nullable(),
    tvl: z.number(),
    tokenSymbol: z.string().nullable(),
    cmcId: z.string().nullable(),
    name: z.string(),
    chainId: z.number().nullable(),
  }),
);

export const HistoricalChainTvlSchema = z.array(
  z.object({ date: z.number().meta({ description: 'Unix seconds, 00:00 UTC' }), tvl: z.number() }),
);
