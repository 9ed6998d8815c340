import type { Queryable } from '@defi-realtime/db';
import { chainName } from '../chains';
import { unixSeconds } from '../time';

/** Metadata columns of `protocols` as the TVL answers read them. */
export interface ProtocolMetaRow {
  id: string;
  name: string;
  symbol: string | null;
  category: string | null;
  chains: string[];
  url: string | null;
  logo: string | null;
  gecko_id: string | null;
  listed_at: Date | null;
  metadata: Record<string, unknown>;
}

/**
 * DefiLlama's metadata fields of a protocol, from our row. What we do not know is typed as
 * DefiLlama's SDK (@defillama/api) declares it: `logo` left out, `chain`, `category` and
 * `url` '', `symbol` '-', and null only where the SDK allows null.
 */
export interface DefiLlamaProtocolMeta {
  id: string;
  name: string;
  address: null;
  symbol: string;
  url: string;
  description: string;
  chain: string;
  logo?: string;
  gecko_id: string | null;
  cmcId: string | null;
  category: string;
  chains: string[];
  twitter: string | null;
  listedAt?: number;
  slug: string;
}

/** One element of DefiLlama's `/protocols`. */
export interface DefiLlamaProtocol extends DefiLlamaProtocolMeta {
  tvl: number;
  chainTvls: Record<string, number>;
  change_1h: number | null;
  change_1d: number | null;
  change_7d: number | null;
}

const META_COLUMNS = 'p.id, p.name, p.symbol, p.category, p.chains, p.url, p.logo, p.gecko_id, p.listed_at, p.metadata';

/**
 * DefiLlama's `/protocols`: every listed protocol with a known TVL, largest first. `tvl` is
 * the protocol's total (or the sum of its chains when no total was reported), `chainTvls`
 * and `chains` use DefiLlama's display names, chains ordered by their TVL.
 */
export async function listProtocols(db: Queryable): Promise<DefiLlamaProtocol[]> {
  const { rows } = await db.query<
    ProtocolMetaRow & {
      tvl: number;
      chain_tvls: Record<string, number> | null;
      change_1h: number | null;
      change_1d: number | null;
      change_7d: number | null;
    }
  >(
    `SELECT ${META_COLUMNS}, coalesce(t.tvl, s.tvl) AS tvl, s.chain_tvls, t.change_1h, t.change_1d, t.change_7d
     FROM protocols p
     LEFT JOIN tvl_current t ON t.protocol_id = p.id AND t.chain = ''
     LEFT JOIN (
       SELECT protocol_id, sum(tvl) AS tvl, jsonb_object_agg(chain, tvl) AS chain_tvls
       FROM tvl_current WHERE chain <> '' GROUP BY protocol_id
     ) s ON s.protocol_id = p.id
     WHERE p.delisted_at IS NULL AND coalesce(t.tvl, s.tvl) IS NOT NULL
     ORDER BY coalesce(t.tvl, s.tvl) DESC, p.id`,
  );
  return rows.map((row) => {
    const chainTvls = row.chain_tvls ?? {};
    return {
      ...protocolMeta(row, chainTvls),
      tvl: row.tvl,
      chainTvls: displayKeys(chainTvls),
      change_1h: row.change_1h,
      change_1d: row.change_1d,
      change_7d: row.change_7d,
    };
  });
}

/** The current TVL of one protocol (total, or the sum of its chains), or null when unknown. */
export async function currentTvl(db: Queryable, slug: string): Promise<number | null> {
  const { rows } = await db.query<{ tvl: number | null }>(
    `SELECT coalesce(max(tvl) FILTER (WHERE chain = ''), sum(tvl) FILTER (WHERE chain <> '')) AS tvl
     FROM tvl_current WHERE protocol_id = $1`,
    [slug],
  );
  return rows[0]?.tvl ?? null;
}

/**
 * DefiLlama's metadata fields from a protocols row. `chains` lists the row's chains and
 * those with TVL, by TVL (largest first); `chain` is the only one or "Multi-Chain".
 */
export function protocolMeta(row: ProtocolMetaRow, chainTvls: Record<string, number>): DefiLlamaProtocolMeta {
  const keys = [...new Set([...Object.keys(chainTvls), ...row.chains])].sort(
    (a, b) => (chainTvls[b] ?? -1) - (chainTvls[a] ?? -1) || (a < b ? -1 : 1),
  );
  const chains = keys.map(chainName);
  const meta = row.metadata;
  return {
    id: row.id,
    name: row.name,
    address: null,
    symbol: row.symbol ?? '-',
    url: row.url ?? '',
    description: stringOr(meta.description, ''),
    chain: chains.length === 1 ? chains[0]! : chains.length > 1 ? 'Multi-Chain' : '',
    ...(row.logo === null ? {} : { logo: row.logo }),
    gecko_id: row.gecko_id,
    cmcId: stringOr(meta.cmcId, null),
    category: row.category ?? '',
    chains,
    twitter: stringOr(meta.twitter, null),
    ...(row.listed_at ? { listedAt: unixSeconds(row.listed_at) } : {}),
    slug: row.id,
  };
}

/** `{chainKey: value}` -> `{DisplayName: value}`. */
export function displayKeys<V>(byKey: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const [key, value] of Object.entries(byKey)) out[chainName(key)] = value;
  return out;
}

function stringOr<F>(value: unknown, fallback: F): string | F {
  return typeof value === 'string' ? value : fallback;
}

export { META_COLUMNS };
