import { z } from 'zod';

// DefiLlama's coins answers (coins.llama.fi), as we serve them: keys are the coins as sent.

const CoinPriceSchema = z.object({
  price: z.number(),
  symbol: z.string().meta({ description: "'' when no metadata is known for the token" }),
  timestamp: z.number().meta({ description: 'Unix seconds of the price point' }),
  decimals: z.number().optional(),
  confidence: z.number().optional(),
});

export const CoinPricesSchema = z.object({ coins: z.record(z.string(), CoinPriceSchema) });

export const ChartSchema = z.object({
  coins: z.record(
    z.string(),
    z.object({
      symbol: z.string(),
      confidence: z.number().optional(),
      decimals: z.number().optional(),
      prices: z.array(z.object({ timestamp: z.number(), price: z.number() })),
    }),
  ),
});

export const PercentageSchema = z.object({
  coins: z.record(z.string(), z.number().meta({ description: 'Percent change' })),
});
