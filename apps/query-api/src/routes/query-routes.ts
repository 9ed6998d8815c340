import type { ApiApp, ZodTypeProvider } from '@defi-realtime/runtime';
import { aggregateTvl, movers, queryProtocols } from '../data';
import { fixedTags } from './cache-tags';
import type { RouteDeps } from './deps';
import {
  AggregateAnswerSchema,
  AggregateParamsSchema,
  MoversAnswerSchema,
  MoversParamsSchema,
  ProtocolQueryAnswerSchema,
  ProtocolQueryParamsSchema,
} from './schemas/advanced';
import { ErrorSchema } from './schemas/errors';

const TAGS = ['Advanced queries'];

/** Our own queries over current values: filtered and sorted protocols, TVL aggregates, movers. */
export function registerQueryRoutes(app: ApiApp, { db }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/v2/query/protocols',
    {
      schema: {
        summary: 'Protocols filtered and sorted, a page at a time',
        description:
          'Filters combine with AND. Sorting by a change lists protocols without that change last. ' +
          'Pages are keyset: pass `nextCursor` as `cursor` with the same parameters; a page is as fast at any depth.',
        tags: TAGS,
        querystring: ProtocolQueryParamsSchema,
        response: { 200: ProtocolQueryAnswerSchema, 400: ErrorSchema },
      },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async (req) => {
      const { order, ...query } = req.query;
      return queryProtocols(db, { ...query, order: order ?? (query.sort === 'name' ? 'asc' : 'desc') });
    },
  );

  api.get(
    '/v2/aggregate/tvl',
    {
      schema: {
        summary: 'Current TVL summed per chain or per category',
        tags: TAGS,
        querystring: AggregateParamsSchema,
        response: { 200: AggregateAnswerSchema, 400: ErrorSchema },
      },
      config: { cache: fixedTags('tvl', 'meta') },
    },
    async (req) => ({ groupBy: req.query.groupBy, groups: await aggregateTvl(db, req.query.groupBy) }),
  );

  api.get(
    '/v2/movers',
    {
      schema: {
        summary: 'Largest price or TVL moves over a window',
        description:
          '`direction=both` ranks by absolute change. TVL movers are protocols (their totals); price movers are tokens.',
        tags: TAGS,
        querystring: MoversParamsSchema,
        response: { 200: MoversAnswerSchema, 400: ErrorSchema },
      },
      config: {
        cache: { tags: (req) => [(req.query as { kind?: string }).kind === 'price' ? 'prices' : 'tvl', 'meta'] },
      },
    },
    async (req) => ({ window: req.query.window, kind: req.query.kind, movers: await movers(db, req.query) }),
  );
}
