import type { ErrorCode } from './errors';
import type { EventEnvelope } from './events';
import { CHAIN_REASON, COINGECKO_PREFIX, SLUG_REASON, isChain, isProtocolId, parseTokenId } from './ids';

// The channel grammar of DESIGN section 2. Clients may spell a channel several ways
// (aliases, any case); everything past this file sees one canonical string per channel,
// so a subscription index keyed by that string needs no other normalization.

/** Longer names are rejected before parsing: no real channel comes close, and it bounds work per request. */
export const CHANNEL_MAX_LENGTH = 200;

/** The internal channel of one owner's alerts; clients only ever say `alerts`. */
const USER_ALERTS_PREFIX = 'alerts:';
/** Owner ids come from key records or a JWT `sub` (`auth0|123`, an email): anything visible. */
const OWNER_ID_PATTERN = /^[^\s\p{Cc}]{1,256}$/u;

export type ChannelKind =
  'prices' | 'tvl' | 'protocols' | 'alerts' | 'token' | 'protocol' | 'protocol_chain' | 'chain_prices' | 'chain_tvl';

/** A canonical channel and its parts. */
export type ParsedChannel =
  | { kind: 'prices' | 'tvl' | 'protocols' | 'alerts'; channel: string }
  | { kind: 'token'; channel: string; tokenId: string; chain?: string }
  | { kind: 'protocol'; channel: string; slug: string }
  | { kind: 'protocol_chain'; channel: string; slug: string; chain: string }
  | { kind: 'chain_prices' | 'chain_tvl'; channel: string; chain: string };

export type ChannelRejection = {
  ok: false;
  code: Extract<ErrorCode, 'UNKNOWN_CHANNEL' | 'FORBIDDEN'>;
  /** Says what is wrong and what would be right, for the client's developer. */
  reason: string;
};

export type NormalizedChannel = ({ ok: true } & ParsedChannel) | ChannelRejection;

// These words and the kinds in normalizeChannel's switch are reserved: none is read as
// a protocol slug in the `<slug>:<chain>` alias, which would otherwise swallow
// `prices:ethereum` and `alerts:<someone>` as protocols.
const AGGREGATE = new Map<string, 'prices' | 'tvl' | 'protocols'>([
  ['prices', 'prices'],
  ['price_changes', 'prices'], // alias from the older drafts
  ['tvl', 'tvl'],
  ['tvl_changes', 'tvl'], // alias from the older drafts
  ['protocols', 'protocols'],
]);
const EVENTS_PREFIX = 'events:';

/** Parses any accepted spelling of a channel into its canonical name, or says why it is not one. */
export function normalizeChannel(input: string): NormalizedChannel {
  if (typeof input !== 'string') return unknown('channel must be a string');
  if (input.length === 0) return unknown('channel is empty');
  if (input.length > CHANNEL_MAX_LENGTH) return unknown(`channel is longer than ${CHANNEL_MAX_LENGTH} characters`);
  // DefiLlama ids are lower-case and addresses are case-insensitive, so case carries
  // nothing and `token:ethereum:0xA0b8...` must meet `token:ethereum:0xa0b8...`.
  let name = input.toLowerCase();
  // `events:<x>` is how the older drafts namespaced every channel; it adds nothing.
  if (name.startsWith(EVENTS_PREFIX)) {
    name = name.slice(EVENTS_PREFIX.length);
    if (name.startsWith(EVENTS_PREFIX)) return unknown("the 'events:' prefix may appear only once");
    if (name === '') return unknown("'events:' must be followed by a channel, e.g. 'events:prices'");
  }
  const colon = name.indexOf(':');
  const head = colon === -1 ? name : name.slice(0, colon);
  const rest = colon === -1 ? undefined : name.slice(colon + 1);
  const parts = rest === undefined ? [] : rest.split(':');

  const aggregate = AGGREGATE.get(head);
  if (aggregate !== undefined) {
    if (rest === undefined) return { ok: true, kind: aggregate, channel: aggregate };
    return unknown(aggregateHint(aggregate));
  }
  switch (head) {
    case 'alerts':
      // `alerts:<ownerId>` is the engine's per-owner channel. Refused outright, so
      // nobody can read another account's alerts by guessing its id.
      if (rest === undefined) return { ok: true, kind: 'alerts', channel: 'alerts' };
      return { ok: false, code: 'FORBIDDEN', reason: "'alerts' carries only your own alerts; subscribe to 'alerts'" };
    case 'token':
      return tokenChannel(rest);
    case 'protocol':
      return protocolChannel(parts, "protocol channel must be 'protocol:<slug>' or 'protocol:<slug>:<chain>'");
    case 'chain':
      return chainChannel(parts);
    case COINGECKO_PREFIX:
      // `coingecko:<id>` alone is a token id, not a protocol on a chain: say so.
      return unknown(`token channels are 'token:<tokenId>', e.g. 'token:${name}'`);
    default:
      // `<slug>:<chain>` was the older drafts' spelling of `protocol:<slug>:<chain>`.
      if (parts.length === 1) return protocolChannel([head, ...parts], "expected '<slug>:<chain>'");
      return unknown(`unknown channel kind '${head}'`);
  }
}

/** The engine channel that carries one owner's alerts (clients subscribe to `alerts`). */
export function userAlertsChannel(ownerId: string): string {
  if (!OWNER_ID_PATTERN.test(ownerId)) {
    throw new TypeError(`ownerId must be 1-256 characters without spaces; got ${JSON.stringify(ownerId)}`);
  }
  return USER_ALERTS_PREFIX + ownerId;
}

/**
 * The engine channel to subscribe for a canonical client channel: the same name, except
 * `alerts`, which is per owner. The one place that mapping lives.
 */
export function engineChannel(canonical: string, ownerId: string): string {
  return canonical === 'alerts' ? userAlertsChannel(ownerId) : canonical;
}

/**
 * Every canonical channel an event is published to (DESIGN section 2: "one event is
 * published to every channel it belongs to"). Alerts go only to their owner's channel.
 */
export function channelsForEvent(event: EventEnvelope): string[] {
  switch (event.type) {
    case 'price_update': {
      const { tokenId } = event.data;
      const chain = event.data.chain ?? chainOfToken(tokenId);
      const channels = ['prices', `token:${tokenId}`];
      if (chain !== undefined) channels.push(`chain:${chain}:prices`);
      return channels;
    }
    case 'tvl_update': {
      const { protocolId, chain } = event.data;
      const channels = ['tvl', 'protocols', `protocol:${protocolId}`];
      if (chain !== undefined) channels.push(`protocol:${protocolId}:${chain}`, `chain:${chain}:tvl`);
      return channels;
    }
    case 'protocol_update':
      return ['protocols', `protocol:${event.data.protocolId}`];
    case 'alert':
      return [userAlertsChannel(event.data.ownerId)];
  }
}

function tokenChannel(tokenId: string | undefined): NormalizedChannel {
  if (tokenId === undefined) return unknown("token channel must be 'token:<tokenId>', e.g. 'token:coingecko:ethereum'");
  const parsed = parseTokenId(tokenId);
  if (!parsed.ok) return unknown(parsed.reason);
  const channel = `token:${parsed.tokenId}`;
  return parsed.chain === undefined
    ? { ok: true, kind: 'token', channel, tokenId: parsed.tokenId }
    : { ok: true, kind: 'token', channel, tokenId: parsed.tokenId, chain: parsed.chain };
}

function protocolChannel(parts: string[], shape: string): NormalizedChannel {
  const [slug, chain, ...extra] = parts;
  if (slug === undefined || slug === '' || extra.length > 0) return unknown(shape);
  if (!isProtocolId(slug)) return unknown(SLUG_REASON);
  if (chain === undefined) return { ok: true, kind: 'protocol', channel: `protocol:${slug}`, slug };
  if (!isChain(chain)) return unknown(CHAIN_REASON);
  return { ok: true, kind: 'protocol_chain', channel: `protocol:${slug}:${chain}`, slug, chain };
}

function chainChannel(parts: string[]): NormalizedChannel {
  const [chain, topic, ...extra] = parts;
  if (chain === undefined || (topic !== 'prices' && topic !== 'tvl') || extra.length > 0) {
    return unknown("chain channel must be 'chain:<chain>:prices' or 'chain:<chain>:tvl'");
  }
  if (!isChain(chain)) return unknown(CHAIN_REASON);
  return {
    ok: true,
    kind: topic === 'prices' ? 'chain_prices' : 'chain_tvl',
    channel: `chain:${chain}:${topic}`,
    chain,
  };
}

function aggregateHint(kind: 'prices' | 'tvl' | 'protocols'): string {
  switch (kind) {
    case 'prices':
      return "'prices' takes no parameters; for one token use 'token:<tokenId>', for one chain 'chain:<chain>:prices'";
    case 'tvl':
      return "'tvl' takes no parameters; for one protocol use 'protocol:<slug>', for one chain 'chain:<chain>:tvl'";
    case 'protocols':
      return "'protocols' takes no parameters; for one protocol use 'protocol:<slug>'";
  }
}

function chainOfToken(tokenId: string): string | undefined {
  const parsed = parseTokenId(tokenId);
  return parsed.ok ? parsed.chain : undefined;
}

function unknown(reason: string): ChannelRejection {
  return { ok: false, code: 'UNKNOWN_CHANNEL', reason };
}
