import { z } from 'zod';

// Ids as DefiLlama spells them (DESIGN section 4). They are routing keys: a channel name,
// a filter entry and an event must spell one token the same way or they never meet, so
// every id that crosses a boundary is lower-cased here, once, and compared exactly after.

/** Chain keys: `ethereum`, `bsc`, `arbitrum`, `polygon_zkevm` (DefiLlama uses `_` in a few). */
const CHAIN_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Protocol slugs: `uniswap-v3`, `ether.fi-stake`. No `:`, it separates channel parts. */
const SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** CoinGecko ids: `ethereum`, `usd-coin`, `wrapped-steth`. */
const COINGECKO_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
/**
 * Token addresses after the chain: EVM `0xa0b8...`, and the Move-style ids DefiLlama uses
 * for Aptos and Sui (`0x1::aptos_coin::aptoscoin`), hence `:` and `_`.
 */
const ADDRESS_PATTERN = /^[a-z0-9][a-z0-9._:-]{0,127}$/;

export const CHAIN_REASON = "chain must be lower-case letters, digits, '-' or '_' (e.g. 'ethereum')";
export const SLUG_REASON = "protocol slug must be lower-case letters, digits, '.', '_' or '-' (e.g. 'uniswap-v3')";
export const TOKEN_ID_REASON = "token id must be 'coingecko:<id>' or '<chain>:<address>'";
const COINGECKO_REASON = "coingecko id must be lower-case letters, digits, '.', '_' or '-' (e.g. 'coingecko:ethereum')";
const ADDRESS_REASON = "token address must be letters, digits, '.', '_', ':' or '-' (e.g. 'ethereum:0xa0b8...')";

/** The prefix of token ids priced by CoinGecko id rather than by contract address. */
export const COINGECKO_PREFIX = 'coingecko';

/** True when `value` is a valid (already lower-case) chain key. */
export function isChain(value: string): boolean {
  return CHAIN_PATTERN.test(value);
}

/** True when `value` is a valid (already lower-case) protocol slug. */
export function isProtocolId(value: string): boolean {
  return SLUG_PATTERN.test(value);
}

/**
 * Lower-cases a token id. DefiLlama writes addresses lower-case (checksummed EVM
 * addresses are the same address), and chain keys and CoinGecko ids are lower-case
 * already, so lower-casing the whole id is the same as lower-casing the address part.
 */
export function normalizeTokenId(tokenId: string): string {
  return tokenId.toLowerCase();
}

export type ParsedTokenId = { ok: true; tokenId: string; chain?: string } | { ok: false; reason: string };

/**
 * Checks a token id and says which chain it lives on when the id names one
 * (`ethereum:0x...` -> `ethereum`; `coingecko:...` names none).
 */
export function parseTokenId(input: string): ParsedTokenId {
  const tokenId = normalizeTokenId(input);
  const colon = tokenId.indexOf(':');
  if (colon <= 0 || colon === tokenId.length - 1) return { ok: false, reason: TOKEN_ID_REASON };
  const prefix = tokenId.slice(0, colon);
  const rest = tokenId.slice(colon + 1);
  if (prefix === COINGECKO_PREFIX) {
    return COINGECKO_ID_PATTERN.test(rest) ? { ok: true, tokenId } : { ok: false, reason: COINGECKO_REASON };
  }
  if (!CHAIN_PATTERN.test(prefix)) return { ok: false, reason: CHAIN_REASON };
  if (!ADDRESS_PATTERN.test(rest)) return { ok: false, reason: ADDRESS_REASON };
  return { ok: true, tokenId, chain: prefix };
}

/** A DefiLlama chain key; input of any case is lower-cased (`Ethereum` -> `ethereum`). */
export const ChainSchema = z.string().max(64).toLowerCase().regex(CHAIN_PATTERN, CHAIN_REASON);

/** A DefiLlama protocol slug; input of any case is lower-cased. */
export const ProtocolIdSchema = z.string().max(100).toLowerCase().regex(SLUG_PATTERN, SLUG_REASON);

/** A DefiLlama token id, `coingecko:<id>` or `<chain>:<address>`, lower-cased. */
export const TokenIdSchema = z
  .string()
  .max(200)
  .toLowerCase()
  .superRefine((tokenId, ctx) => {
    const parsed = parseTokenId(tokenId);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason, input: tokenId });
  });
