/**
 * What DefiLlama's API says about a chain: its display name (the spelling of `chains` and
 * `chainTvls` keys in /protocols), native token and ids. Our rows use DefiLlama's chain keys
 * (`avax`, `bsc`); its TVL endpoints speak display names (`Avalanche`, `BSC`).
 */
export interface ChainInfo {
  /** Our (and DefiLlama's coins API's) chain key. */
  key: string;
  /** DefiLlama's display name. */
  name: string;
  geckoId: string | null;
  tokenSymbol: string | null;
  cmcId: string | null;
  /** EVM chain id; null for non-EVM chains. */
  chainId: number | null;
}

// A small table of real chains; anything else is served with its key as name and nulls.
const CHAINS: readonly ChainInfo[] = [
  { key: 'ethereum', name: 'Ethereum', geckoId: 'ethereum', tokenSymbol: 'ETH', cmcId: '1027', chainId: 1 },
  { key: 'bsc', name: 'BSC', geckoId: 'binancecoin', tokenSymbol: 'BNB', cmcId: '1839', chainId: 56 },
  { key: 'arbitrum', name: 'Arbitrum', geckoId: 'arbitrum', tokenSymbol: 'ARB', cmcId: '11841', chainId: 42161 },
  { key: 'optimism', name: 'OP Mainnet', geckoId: 'optimism', tokenSymbol: 'OP', cmcId: '11840', chainId: 10 },
  { key: 'base', name: 'Base', geckoId: null, tokenSymbol: null, cmcId: null, chainId: 8453 },
  { key: 'polygon', name: 'Polygon', geckoId: 'matic-network', tokenSymbol: 'MATIC', cmcId: '3890', chainId: 137 },
  { key: 'avax', name: 'Avalanche', geckoId: 'avalanche-2', tokenSymbol: 'AVAX', cmcId: '5805', chainId: 43114 },
  { key: 'solana', name: 'Solana', geckoId: 'solana', tokenSymbol: 'SOL', cmcId: '5426', chainId: null },
  { key: 'tron', name: 'Tron', geckoId: 'tron', tokenSymbol: 'TRX', cmcId: '1958', chainId: null },
  { key: 'bitcoin', name: 'Bitcoin', geckoId: 'bitcoin', tokenSymbol: 'BTC', cmcId: '1', chainId: null },
  { key: 'fantom', name: 'Fantom', geckoId: 'fantom', tokenSymbol: 'FTM', cmcId: '3513', chainId: 250 },
  { key: 'xdai', name: 'Gnosis', geckoId: 'xdai', tokenSymbol: 'XDAI', cmcId: null, chainId: 100 },
  { key: 'era', name: 'zkSync Era', geckoId: null, tokenSymbol: null, cmcId: null, chainId: 324 },
  { key: 'linea', name: 'Linea', geckoId: null, tokenSymbol: null, cmcId: null, chainId: 59144 },
  { key: 'scroll', name: 'Scroll', geckoId: null, tokenSymbol: null, cmcId: null, chainId: 534352 },
  { key: 'mantle', name: 'Mantle', geckoId: 'mantle', tokenSymbol: 'MNT', cmcId: '27075', chainId: 5000 },
  { key: 'blast', name: 'Blast', geckoId: 'blast', tokenSymbol: 'BLAST', cmcId: null, chainId: 81457 },
  { key: 'polygon_zkevm', name: 'Polygon zkEVM', geckoId: null, tokenSymbol: null, cmcId: null, chainId: 1101 },
  { key: 'cronos', name: 'Cronos', geckoId: 'crypto-com-chain', tokenSymbol: 'CRO', cmcId: '3635', chainId: 25 },
  { key: 'celo', name: 'Celo', geckoId: 'celo', tokenSymbol: 'CELO', cmcId: '5567', chainId: 42220 },
  { key: 'sui', name: 'Sui', geckoId: 'sui', tokenSymbol: 'SUI', cmcId: '20947', chainId: null },
  { key: 'aptos', name: 'Aptos', geckoId: 'aptos', tokenSymbol: 'APT', cmcId: '21794', chainId: null },
  { key: 'ton', name: 'TON', geckoId: 'the-open-network', tokenSymbol: 'TON', cmcId: '11419', chainId: null },
  { key: 'near', name: 'Near', geckoId: 'near', tokenSymbol: 'NEAR', cmcId: '6535', chainId: null },
  { key: 'cardano', name: 'Cardano', geckoId: 'cardano', tokenSymbol: 'ADA', cmcId: '2010', chainId: null },
];

const BY_KEY = new Map(CHAINS.map((chain) => [chain.key, chain]));
/** Lower-cased display names and older spellings DefiLlama users still send. */
const KEY_BY_NAME = new Map<string, string>([
  ...CHAINS.map((chain) => [chain.name.toLowerCase(), chain.key] as [string, string]),
  ['binance', 'bsc'],
  ['avalanche', 'avax'],
  ['gnosis', 'xdai'],
  ['zksync', 'era'],
]);

/** The chain's metadata; for a chain not in the table, its key as name and nulls. */
export function chainInfo(key: string): ChainInfo {
  return BY_KEY.get(key) ?? { key, name: key, geckoId: null, tokenSymbol: null, cmcId: null, chainId: null };
}

/** DefiLlama's display name of a chain key (`avax` -> `Avalanche`); the key itself when unknown. */
export function chainName(key: string): string {
  return BY_KEY.get(key)?.name ?? key;
}

/**
 * The chain key for what a DefiLlama user sends: a display name in any case (`Ethereum`,
 * `OP Mainnet`, `Avalanche`) or a key (`avax`). Unknown names are lower-cased with spaces
 * as `_` (DefiLlama's own rule for keys), for the caller to validate.
 */
export function chainKeyFromName(input: string): string {
  const lower = input.trim().toLowerCase();
  return KEY_BY_NAME.get(lower) ?? lower.replace(/\s+/g, '_');
}
