import type { Queryable } from '@defi-realtime/db';
import { chainName } from '../chains';
import { dayToUnix } from '../time';
import { META_COLUMNS, protocolMeta, type DefiLlamaProtocolMeta, type ProtocolMetaRow } from './protocols';

/** One day of a TVL series as DefiLlama writes it. */
export interface TvlDay {
  /** Unix seconds of 00:00 UTC. */
  date: number;
  totalLiquidityUSD: number;
}

/** DefiLlama's `/protocol/:slug`. We keep no token breakdowns: `tokens`/`tokensInUsd` are empty. */
export interface DefiLlamaProtocolDetail extends DefiLlamaProtocolMeta {
  tvl: TvlDay[];
  tokensInUsd: never[];
  tokens: never[];
  chainTvls: Record<string, { tvl: TvlDay[]; tokensInUsd: never[]; tokens: never[] }>;
  currentChainTvls: Record<string, number>;
}

/**
 * One protocol's metadata, daily TVL history (in total and per chain: each UTC day's last
 * value, so today's entry is the current value) and current TVL per chain; null when the
 * protocol is unknown or delisted.
 */
export async function protocolDetail(db: Queryable, slug: string): Promise<DefiLlamaProtocolDetail | null> {
  const meta = await db.query<ProtocolMetaRow>(
    `SELECT ${META_COLUMNS} FROM protocols p WHERE p.id = $1 AND p.delisted_at IS NULL`,
    [slug],
  );
  const row = meta.rows[0];
  if (!row) return null;
  const current = await db.query<{ chain: string; tvl: number }>(
    'SELECT chain, tvl FROM tvl_current WHERE protocol_id = $1',
    [slug],
  );
  // tvl_daily is keyed by chain first: one index range per chain this protocol reports.
  const daily = await db.query<{ chain: string; day: number; tvl: number }>(
    'SELECT chain, day, tvl FROM tvl_daily WHERE chain = ANY($1::text[]) AND protocol_id = $2 ORDER BY chain, day',
    [current.rows.map((r) => r.chain), slug],
  );
  const series = new Map<string, TvlDay[]>();
  for (const point of daily.rows) {
    let list = series.get(point.chain);
    if (!list) series.set(point.chain, (list = []));
    list.push({ date: dayToUnix(point.day), totalLiquidityUSD: point.tvl });
  }
  const currentByChain: Record<string, number> = {};
  for (const r of current.rows) if (r.chain !== '') currentByChain[r.chain] = r.tvl;

  const chainTvls: DefiLlamaProtocolDetail['chainTvls'] = {};
  for (const [chain, tvl] of series)
    if (chain !== '') chainTvls[chainName(chain)] = { tvl, tokensInUsd: [], tokens: [] };
  const currentChainTvls: Record<string, number> = {};
  for (const [chain, tvl] of Object.entries(currentByChain)) currentChainTvls[chainName(chain)] = tvl;
  return {
    ...protocolMeta(row, currentByChain),
    tvl: series.get('') ?? sumByDate([...series.values()]),
    tokensInUsd: [],
    tokens: [],
    chainTvls,
    currentChainTvls,
  };
}

/** A total series from per-chain ones, for protocols that report no total of their own. */
function sumByDate(seriesList: TvlDay[][]): TvlDay[] {
  const totals = new Map<number, number>();
  for (const series of seriesList)
    for (const day of series) totals.set(day.date, (totals.get(day.date) ?? 0) + day.totalLiquidityUSD);
  return [...totals].sort((a, b) => a[0] - b[0]).map(([date, totalLiquidityUSD]) => ({ date, totalLiquidityUSD }));
}
