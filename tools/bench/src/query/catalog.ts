import { PROTOCOLS, TOKENS } from '@defi-realtime/fixtures';

// The reference data the query benchmark seeds: the real protocols and tokens of the
// fixtures first, then generated ones with DefiLlama-like slugs, categories and chain
// spreads, so filters and sorts select realistic shares of the 5,000 rows. Deterministic
// for a seed: two runs of the seeder describe the same catalog.

/** A protocol to seed, with what its TVL history is generated from. */
export interface CatalogProtocol {
  id: string;
  name: string;
  symbol: string;
  category: string;
  /** Largest share first; the first is the protocol's main chain. */
  chains: string[];
  /** Fraction of the TVL on each chain, same order as `chains`, summing to 1. */
  shares: number[];
  /** Current total TVL in USD: where the generated history ends. */
  tvl: number;
  /** Standard deviation of one hour's log-change of TVL. */
  hourlyVolatility: number;
  url: string;
}

/** A token to seed, with what its price history is generated from. */
export interface CatalogToken {
  id: string;
  symbol: string;
  name: string;
  chain: string | null;
  decimals: number;
  /** Current price in USD: where the generated history ends. */
  price: number;
  /** Standard deviation of one minute's log-change of the price. */
  minuteVolatility: number;
}

export interface Catalog {
  protocols: CatalogProtocol[];
  tokens: CatalogToken[];
}

export interface CatalogOptions {
  /** @default 5000 */
  protocols?: number;
  /** @default 200 */
  tokens?: number;
  /** Same seed, same catalog. @default 1 */
  seed?: number;
}

// DefiLlama's chain keys with a rough share of protocols deployed on each.
const CHAINS: ReadonlyArray<readonly [string, number]> = [
  ['ethereum', 22],
  ['bsc', 12],
  ['arbitrum', 10],
  ['base', 8],
  ['polygon', 7],
  ['solana', 6],
  ['avax', 5],
  ['optimism', 5],
  ['fantom', 3],
  ['tron', 2],
  ['sui', 2],
  ['aptos', 2],
  ['era', 1.5],
  ['blast', 1.5],
  ['linea', 1.5],
  ['ton', 1.5],
  ['scroll', 1],
  ['mantle', 1],
  ['cronos', 1],
  ['xdai', 1],
  ['celo', 0.5],
  ['moonbeam', 0.5],
  ['kava', 0.5],
  ['near', 0.5],
  ['osmosis', 0.5],
  ['sei', 0.5],
  ['metis', 0.5],
  ['manta', 0.5],
  ['mode', 0.5],
  ['berachain', 0.5],
];

// DefiLlama's categories, weighted by how many protocols carry each, with slug suffixes
// typical of the category.
const CATEGORIES: ReadonlyArray<readonly [string, number, readonly string[]]> = [
  ['Dexs', 25, ['swap', 'dex', 'exchange', 'amm', 'finance']],
  ['Lending', 12, ['lend', 'finance', 'money-market', 'credit', 'protocol']],
  ['Yield', 9, ['yield', 'earn', 'finance', 'vaults']],
  ['Derivatives', 7, ['perps', 'futures', 'trade', 'perpetuals']],
  ['Yield Aggregator', 6, ['vaults', 'aggregator', 'autocompound', 'optimizer']],
  ['Liquid Staking', 5, ['staking', 'staked', 'lst', 'stake']],
  ['Services', 5, ['wallet', 'safe', 'relay', 'keeper']],
  ['Farm', 5, ['farm', 'farms', 'garden']],
  ['Bridge', 4, ['bridge', 'portal', 'link']],
  ['CDP', 4, ['cdp', 'stablecoin', 'dollar']],
  ['Launchpad', 3, ['launchpad', 'pad', 'starter']],
  ['RWA', 3, ['rwa', 'treasury', 'credit']],
  ['Options', 2, ['options', 'vol']],
  ['Staking Pool', 2, ['pool', 'staking']],
  ['Algo-Stables', 2, ['stable', 'usd']],
  ['Liquid Restaking', 1, ['restaked', 'lrt']],
  ['Restaking', 1, ['restaking']],
  ['Insurance', 1, ['cover', 'insurance']],
  ['Indexes', 1, ['index', 'indexes']],
  ['Synthetics', 1, ['synths', 'synthetix']],
  ['NFT Lending', 1, ['nft-lend', 'nftfi']],
  ['Leveraged Farming', 1, ['leverage', 'lev-farm']],
  ['Basis Trading', 0.5, ['basis']],
  ['Payments', 0.5, ['pay', 'payments']],
];

const ROOTS = (
  'aero alpaca alpha amber anchor apex arc astro atlas aura aurora axial bamboo beacon bolt bonsai ' +
  'cadence canyon carbon cascade cedar citadel comet coral cosmo crystal cyber dawn delta drift dune ' +
  'echo eclipse ember equinox falcon fern flux forge frontier fusion gamma garnet glacier granite ' +
  'harbor helix horizon hyper indigo ion iris ivory jade juno kinetic kite lattice lumen lunar lynx ' +
  'magma maple marble meridian mesa meteor mint monsoon nebula neon nexus nimbus nova oasis obsidian ' +
  'omni onyx opal orbit origin pebble photon pine pixel plasma polar prism pulse quant quartz quasar ' +
  'radiant raven reef ridge rune sable saffron sierra silk solace sonar spark spectra spruce stellar ' +
  'strata summit tango terra thorn tidal titan topaz torch tundra umbra unity valor velvet vertex ' +
  'vortex wave willow yonder zenith zephyr zinc'
).split(' ');

// How many chains a protocol is on (1..6): most live on one, a few everywhere.
const CHAIN_COUNT_WEIGHTS = [50, 20, 12, 8, 6, 4];

/** The protocols and tokens to seed; the fixtures' real ones first. */
export function buildCatalog(options: CatalogOptions = {}): Catalog {
  const { protocols = 5000, tokens = 200, seed = 1 } = options;
  if (!(Number.isInteger(protocols) && protocols >= 1))
    throw new TypeError(`Invalid protocols option ${protocols}: expected a whole number >= 1`);
  if (!(Number.isInteger(tokens) && tokens >= 1))
    throw new TypeError(`Invalid tokens option ${tokens}: expected a whole number >= 1`);
  const random = mulberry32(seed);
  return { protocols: buildProtocols(protocols, random), tokens: buildTokens(tokens, random) };
}

function buildProtocols(count: number, random: () => number): CatalogProtocol[] {
  const out: CatalogProtocol[] = PROTOCOLS.slice(0, count).map((fixture) => {
    const entries = Object.entries(fixture.tvl).sort((a, b) => b[1] - a[1]);
    const total = entries.reduce((sum, [, tvl]) => sum + tvl, 0);
    return {
      id: fixture.id,
      name: fixture.name,
      symbol: fixture.symbol,
      category: fixture.category,
      chains: entries.map(([chain]) => chain),
      shares: entries.map(([, tvl]) => tvl / total),
      tvl: total,
      hourlyVolatility: 0.002 + random() * 0.003,
      url: `https://${fixture.id}.example`,
    };
  });
  const used = new Set(out.map((p) => p.id));
  while (out.length < count) {
    const [category, , suffixes] = pickWeighted(CATEGORIES, random);
    const root = ROOTS[Math.floor(random() * ROOTS.length)]!;
    const suffix = suffixes[Math.floor(random() * suffixes.length)]!;
    const version = used.has(`${root}-${suffix}`) ? `-v${2 + Math.floor(random() * 3)}` : '';
    const id = `${root}-${suffix}${version}`;
    if (used.has(id)) continue; // taken by an earlier draw: draw again
    used.add(id);
    const chainCount = 1 + pickIndex(CHAIN_COUNT_WEIGHTS, random);
    const chains = pickDistinct(CHAINS, chainCount, random);
    out.push({
      id,
      name: titleCase(id),
      symbol: root.slice(0, 4).toUpperCase(),
      category,
      chains,
      shares: chainShares(chainCount, random),
      // Log-normal around $2M: thousands of small protocols, a few dozen in the billions.
      tvl: Math.min(3e10, 2e6 * Math.exp(2.3 * gaussian(random)) * (1 + 0.5 * (chainCount - 1))),
      hourlyVolatility: 0.002 + random() * 0.006,
      url: `https://${id}.example`,
    });
  }
  return out;
}

function buildTokens(count: number, random: () => number): CatalogToken[] {
  const out: CatalogToken[] = TOKENS.slice(0, count).map((fixture) => ({
    id: fixture.id,
    symbol: fixture.symbol,
    name: fixture.symbol,
    chain: fixture.chain ?? (fixture.id.startsWith('coingecko:') ? null : fixture.id.split(':')[0]!),
    decimals: fixture.decimals,
    price: fixture.price,
    minuteVolatility: fixture.class === 'stable' ? 0.00005 : 0.0004 + random() * 0.0008,
  }));
  const used = new Set(out.map((t) => t.id));
  while (out.length < count) {
    const root = ROOTS[Math.floor(random() * ROOTS.length)]!;
    const onChain = random() < 0.5;
    const chain = onChain ? pickDistinct(CHAINS.slice(0, 8), 1, random)[0]! : null;
    const id =
      onChain && chain !== 'solana'
        ? `${chain}:0x${hex(40, random)}`
        : `coingecko:${root}-${['token', 'protocol', 'finance', 'dao'][Math.floor(random() * 4)]}`;
    if (used.has(id)) continue;
    used.add(id);
    out.push({
      id,
      symbol: root.slice(0, 5).toUpperCase(),
      name: titleCase(root),
      chain: id.startsWith('coingecko:') ? null : chain,
      decimals: [18, 18, 18, 6, 8][Math.floor(random() * 5)]!,
      price: Math.min(1e5, Math.exp(2.5 * gaussian(random))),
      minuteVolatility: 0.0004 + random() * 0.0016,
    });
  }
  return out;
}

/** Shares of `n` chains, largest first: the main chain usually holds most of it. */
function chainShares(n: number, random: () => number): number[] {
  const raw = Array.from({ length: n }, () => Math.pow(0.05 + random(), 3)).sort((a, b) => b - a);
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => v / sum);
}

function pickIndex(weights: readonly number[], random: () => number): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}

function pickWeighted<T extends readonly [string, number, ...unknown[]]>(items: readonly T[], random: () => number): T {
  return items[
    pickIndex(
      items.map((item) => item[1]),
      random,
    )
  ]!;
}

/** `n` distinct names drawn by weight without replacement. */
function pickDistinct(items: ReadonlyArray<readonly [string, number]>, n: number, random: () => number): string[] {
  const pool = [...items];
  const out: string[] = [];
  while (out.length < n && pool.length > 0) {
    const i = pickIndex(
      pool.map((item) => item[1]),
      random,
    );
    out.push(pool[i]![0]);
    pool.splice(i, 1);
  }
  return out;
}

function titleCase(slug: string): string {
  return slug
    .split('-')
    .map((word) => (/^v\d+$/.test(word) ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

function hex(length: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A standard normal draw (Box-Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** A small, fast seeded PRNG: the catalog must be the same on every run, Math.random is not. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
