import { ProtocolError } from '@defi-realtime/protocol';
import type { ApiApp, ZodTypeProvider } from '@defi-realtime/runtime';
import { z } from 'zod';
import { currentTvl, historicalChainTvl, listChains, listProtocols, protocolDetail } from '../data';
import { fixedTags, protocolTags } from './cache-tags';
import type { RouteDeps } from './deps';
import { ErrorSchema } from './schemas/errors';
import { ChainNameSchema, SlugSchema } from './schemas/params';
import {
  ChainListSchema,
  HistoricalChainTvlSchema,
  ProtocolDetailSchema,
  ProtocolListSchema,
  TvlNumberSchema,
} from './schemas/tvl';

const TAGS = ['TVL (DefiLlama-compatible)'];
const SlugParams = z.object({ slug: SlugSchema });

/** DefiLlama's TVL endpoints (api.llama.fi): /protocols, /protocol/:slug, /tvl/:slug, /v2/chains, /v2/historicalChainTvl. */
export function registerTvlRoutes(app: ApiApp, { db }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const notFound = () => new ProtocolError('NOT_FOUND', 'Protocol not found');

  api.get(
    '/protocols',
    {
      schema: {
        summary: 'Every protocol with its current TVL, largest first',
        tags: TAGS,
        response: { 200: ProtocolListSchema },
      },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async () => listProtocols(db),
  );

  api.get(
    '/protocol/:slug',
    {
      schema: {
        summary: "One protocol's metadata and daily TVL history, in total and per chain",
        tags: TAGS,
        params: SlugParams,
        response: { 200: ProtocolDetailSchema, 404: ErrorSchema },
      },
      config: { cache: protocolTags },
    },
    async (req) => {
      const protocol = await protocolDetail(db, req.params.slug);
      if (!protocol) throw notFound();
      return protocol;
    },
  );

  api.get(
    '/tvl/:slug',
    {
      schema: {
        summary: "One protocol's current TVL, as a bare number",
        tags: TAGS,
        params: SlugParams,
        response: { 200: TvlNumberSchema, 404: ErrorSchema },
      },
      config: { cache: protocolTags },
    },
    async (req) => {
      const tvl = await currentTvl(db, req.params.slug);
      if (tvl === null) throw notFound();
      return tvl;
    },
  );

  api.get(
    '/v2/chains',
    {
      schema: { summary: 'Current TVL of every chain', tags: TAGS, response: { 200: ChainListSchema } },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async () => listChains(db),
  );

  api.get(
    '/v2/historicalChainTvl',
    {
      schema: {
        summary: 'Daily TVL of all protocols together',
        tags: TAGS,
        response: { 200: HistoricalChainTvlSchema },
      },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async () => historicalChainTvl(db, ''),
  );

  api.get(
    '/v2/historicalChainTvl/:chain',
    {
      schema: {
        summary: 'Daily TVL of one chain',
        description: 'The chain as a display name (`Ethereum`, `OP Mainnet`) or a key (`ethereum`, `optimism`).',
        tags: TAGS,
        params: z.object({ chain: ChainNameSchema }),
        response: { 200: HistoricalChainTvlSchema, 404: ErrorSchema },
      },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async (req) => {
      const days = await historicalChainTvl(db, req.params.chain);
      if (days.length === 0) throw new ProtocolError('NOT_FOUND', 'Chain not found');
      return days;
    },
  );
}
