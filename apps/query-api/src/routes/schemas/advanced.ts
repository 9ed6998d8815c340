import { z } from 'zod';
import { PROTOCOL_SORTS, decodeCursor } from '../../data';
import { ChainKeySchema } from './params';

const amount = (what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .finite()
    .meta({ description: what });

/** `?cursor=`: the `nextCursor` of the previous page, as is. */
const CursorParamSchema = z
  .string()
  .max(1_000)
  .transform((text, ctx) => {
    const cursor = decodeCursor(text);
    if (!cursor) {
      ctx.addIssue({
        code: 'custom',
        message: 'not a cursor this API produced: pass nextCursor from the previous page as is',
        input: text,
      });
      return z.NEVER;
    }
    return cursor;
  });

export const ProtocolQueryParamsSchema = z
  .object({
    chain: ChainKeySchema.optional().meta({
      description: "TVL and changes on this chain; unset: the protocols' totals",
    }),
    category: z.string().min(1).max(64).optional().meta({ example: 'Dexs' }),
    minTvl: amount('USD').nonnegative().optional(),
    maxTvl: amount('USD').nonnegative().optional(),
    minChange1d: amount('percent').optional(),
    maxChange1d: amount('percent').optional(),
    sort: z.enum(PROTOCOL_SORTS).default('tvl'),
    order: z.enum(['asc', 'desc']).optional().meta({ description: 'Default: desc, asc for sort=name' }),
    limit: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(500).default(100),
    cursor: CursorParamSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.minTvl !== undefined && query.maxTvl !== undefined && query.minTvl > query.maxTvl) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxTvl'],
        message: 'maxTvl must not be below minTvl',
        input: query.maxTvl,
      });
    }
    if (query.minChange1d !== undefined && query.maxChange1d !== undefined && query.minChange1d > query.maxChange1d) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxChange1d'],
        message: 'maxChange1d must not be below minChange1d',
        input: query.maxChange1d,
      });
    }
    const order = query.order ?? (query.sort === 'name' ? 'asc' : 'desc');
    if (query.cursor && (query.cursor.sort !== query.sort || query.cursor.order !== order)) {
      ctx.addIssue({
        code: 'custom',
        path: ['cursor'],
        message: `the cursor belongs to sort=${query.cursor.sort}&order=${query.cursor.order}: keep the parameters of the first page`,
        input: '',
      });
    }
  });

export const ProtocolQueryAnswerSchema = z.object({
  protocols: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      symbol: z.string().nullable(),
      category: z.string().nullable(),
      chains: z.array(z.string()).meta({ description: 'Chain keys' }),
      tvl: z.number(),
      change_1h: z.number().nullable(),
      change_1d: z.number().nullable(),
      change_7d: z.number().nullable(),
      timestamp: z.number().meta({ description: 'Unix seconds of the TVL point' }),
    }),
  ),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
});

export const AggregateParamsSchema = z.object({ groupBy: z.enum(['chain', 'category']) });

export const AggregateAnswerSchema = z.object({
  groupBy: z.enum(['chain', 'category']),
  groups: z.array(
    z.object({
      key: z.string().nullable().meta({ description: 'Chain key or category (null: protocols without a category)' }),
      tvl: z.number(),
      protocols: z.number(),
      change_1d: z.number().nullable(),
    }),
  ),
});

export const MoversParamsSchema = z.object({
  window: z.enum(['1h', '1d', '7d']).default('1d'),
  kind: z.enum(['price', 'tvl']).default('tvl'),
  direction: z.enum(['up', 'down', 'both']).default('both'),
  limit: z.coerce.number({ error: 'expected a whole number' }).int().min(1).max(100).default(20),
});

export const MoversAnswerSchema = z.object({
  window: z.enum(['1h', '1d', '7d']),
  kind: z.enum(['price', 'tvl']),
  movers: z.array(
    z.object({
      id: z.string(),
      name: z.string().optional().meta({ description: 'kind=tvl: the protocol name' }),
      symbol: z.string().optional().meta({ description: 'kind=price: the token symbol' }),
      value: z.number().meta({ description: 'Current TVL (USD) or price (USD)' }),
      change: z.number().meta({ description: 'Percent change over the window' }),
    }),
  ),
});
