import type { Queryable } from '@defi-realtime/db';
import { chainInfo } from '../chains';
import { dayToUnix } from '../time';

/** One element of DefiLlama's `/v2/chains`. */
export interface DefiLlamaChain {
  gecko_id: string | null;
  tvl: number;
  tokenSymbol: string | null;
  cmcId: string | null;
  name: string;
  chainId: number | null;
}

/** Current TVL of every chain (the sum over listed protocols of their TVL on it), largest first. */
export async function listChains(db: Queryable): Promise<DefiLlamaChain[]> {
  const { rows } = await db.query<{ chain: string; tvl: number }>(
    `SELECT c.chain, sum(c.tvl) AS tvl
     FROM tvl_current c JOIN protocols p ON p.id = c.protocol_id
     WHERE c.chain <> '' AND p.delisted_at IS NULL
     GROUP BY c.chain
     ORDER BY tvl DESC, c.chain`,
  );
  return rows.map(({ chain, tvl }) => {
    const info = chainInfo(chain);
    return {
      gecko_id: info.geckoId,
      tvl,
      tokenSymbol: info.tokenSymbol,
      cmcId: info.cmcId,
      name: info.name,
      chainId: info.chainId,
    };
  });
}

/** One day of DefiLlama's `/v2/historicalChainTvl`. */
export interface ChainTvlDay {
  /** Unix seconds of 00:00 UTC. */
  date: number;
  tvl: number;
}

/**
 * Daily TVL of one chain (or, with chain '', of all protocols' totals): the sum over listed
 * protocols of each one's value that day. A protocol with no point on a day counts with
 * its last earlier value (the running sum of each series' day-to-day differences does
 * that in one pass over the chain's range of tvl_daily). Values are rounded to cents.
 */
export async function historicalChainTvl(db: Queryable, chain: string): Promise<ChainTvlDay[]> {
  const { rows } = await db.query<{ day: number; tvl: number }>(
    `SELECT day, sum(sum(delta)) OVER (ORDER BY day) AS tvl
     FROM (
       SELECT d.day, d.tvl - coalesce(lag(d.tvl) OVER (PARTITION BY d.protocol_id ORDER BY d.day), 0) AS delta
       FROM tvl_daily d JOIN protocols p ON p.id = d.protocol_id
       WHERE d.chain = $1 AND p.delisted_at IS NULL
     ) d
     GROUP BY day
     ORDER BY day`,
    [chain],
  );
  return rows.map(({ day, tvl }) => ({ date: dayToUnix(day), tvl: Math.round(tvl * 100) / 100 }));
}
