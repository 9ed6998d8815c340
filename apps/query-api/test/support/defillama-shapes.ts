import { z } from 'zod';

// DefiLlama's answers as its API documents them (DefiLlama/api-docs defillama-openapi-free.json
// and llms-free.txt), written independently of our response schemas: an answer that parses
// here is one code written against api.llama.fi / coins.llama.fi can read. Loose objects:
// fields DefiLlama documents must be there with their types; more are allowed.

export const LlamaProtocols = z.array(
  z.looseObject({
    id: z.string(),
    name: z.string(),
    symbol: z.string(),
    category: z.string(),
    chains: z.array(z.string()),
    chain: z.string(),
    slug: z.string(),
    url: z.string(),
    logo: z.string().optional(),
    gecko_id: z.string().nullable(),
    tvl: z.number(),
    chainTvls: z.record(z.string(), z.number()),
    change_1h: z.number().nullable(),
    change_1d: z.number().nullable(),
    change_7d: z.number().nullable(),
    listedAt: z.number().optional(),
  }),
);

const LlamaTvlSeries = z.array(z.strictObject({ date: z.number().int(), totalLiquidityUSD: z.number() }));

export const LlamaProtocol = z.looseObject({
  id: z.string(),
  name: z.string(),
  symbol: z.string(),
  category: z.string(),
  chains: z.array(z.string()),
  tvl: LlamaTvlSeries,
  chainTvls: z.record(z.string(), z.looseObject({ tvl: LlamaTvlSeries })),
  currentChainTvls: z.record(z.string(), z.number()),
});

export const LlamaTvl = z.number();

export const LlamaChains = z.array(
  z.strictObject({
    gecko_id: z.string().nullable(),
    tvl: z.number(),
    tokenSymbol: z.string().nullable(),
    cmcId: z.string().nullable(),
    name: z.string(),
    chainId: z.number().nullable(),
  }),
);

export const LlamaHistoricalChainTvl = z.array(z.strictObject({ date: z.number().int(), tvl: z.number() }));

export const LlamaPrices = z.strictObject({
  coins: z.record(
    z.string(),
    z.strictObject({
      price: z.number(),
      symbol: z.string(),
      timestamp: z.number().int(),
      decimals: z.number().optional(),
      confidence: z.number().optional(),
    }),
  ),
});

export const LlamaChart = z.strictObject({
  coins: z.record(
    z.string(),
    z.strictObject({
      symbol: z.string(),
      confidence: z.number(),
      decimals: z.number().optional(),
      prices: z.array(z.strictObject({ timestamp: z.number().int(), price: z.number() })),
    }),
  ),
});

export const LlamaPercentage = z.strictObject({ coins: z.record(z.string(), z.number()) });
