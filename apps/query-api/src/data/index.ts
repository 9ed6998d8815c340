// The query-api's SQL: each function takes a Database (or transaction) and returns the
// answer's data. Routes (src/routes) validate and shape; explain-cli.ts explains the
// advanced queries with the same statements.
export { chainInfo, chainKeyFromName, chainName, type ChainInfo } from './chains';
export { parseDuration, dayToUnix, unixSeconds } from './time';
export type { SqlQuery } from './sql';
export { refreshReferenceValues, startReferenceRefresher, type ReferenceRefresherOptions } from './refresher';
export type { CoinRef, CoinMeta } from './prices/coins';
export { currentPrices, type CoinPrice, type CurrentPricesOptions } from './prices/current';
export { historicalPrices, priceChart, pricePercentages, type CoinChart } from './prices/history';
export { closestPoints, closestPointsQuery, type ClosestPoint } from './prices/closest';
export { chartTargets, ChartPlanError, type ChartRequest } from './prices/chart-plan';
export { listProtocols, currentTvl, type DefiLlamaProtocol, type DefiLlamaProtocolMeta } from './tvl/protocols';
export { protocolDetail, type DefiLlamaProtocolDetail, type TvlDay } from './tvl/protocol-detail';
export { listChains, historicalChainTvl, type DefiLlamaChain, type ChainTvlDay } from './tvl/chain-tvl';
export {
  PROTOCOL_SORTS,
  encodeCursor,
  decodeCursor,
  type ProtocolCursor,
  type ProtocolSort,
  type SortOrder,
} from './query/cursor';
export { queryProtocols, protocolPageQuery, type ProtocolQuery, type QueriedProtocol } from './query/protocol-query';
export { aggregateTvl, aggregateTvlQuery, type AggregateGroupBy, type TvlGroup } from './query/aggregate';
export {
  movers,
  moversQuery,
  type Mover,
  type MoverDirection,
  type MoverKind,
  type MoverWindow,
  type MoversRequest,
} from './query/movers';
