import fc from 'fast-check';
import {
  CHANNEL_MAX_LENGTH,
  type EventEnvelope,
  channelsForEvent,
  engineChannel,
  normalizeChannel,
  userAlertsChannel,
} from './index';

// Strings assembled from the grammar's own pieces, so many are valid and the rest are near misses.
const channelLike = fc
  .array(
    fc.constantFrom(
      'events:',
      'prices',
      'tvl',
      'protocols',
      'alerts',
      'token:',
      'protocol:',
      'chain:',
      ':',
      'coingecko',
      'ethereum',
      'polygon_zkevm',
      '0xAb12',
      'uniswap-v3',
      'ether.fi',
      '_changes',
      'x',
      ' ',
      'A',
      '-',
    ),
    { maxLength: 8 },
  )
  .map((pieces) => pieces.join(''));

const USDC = 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const USDC_CHECKSUMMED = 'ethereum:0xA0b86991c6218b36c1D19D4a2e9Eb0cE3606eB48';

describe('normalizeChannel: canonical forms', () => {
  it.each([
    ['prices', { kind: 'prices' }],
    ['tvl', { kind: 'tvl' }],
    ['protocols', { kind: 'protocols' }],
    ['alerts', { kind: 'alerts' }],
    ['token:coingecko:ethereum', { kind: 'token', tokenId: 'coingecko:ethereum' }],
    [`token:${USDC}`, { kind: 'token', tokenId: USDC, chain: 'ethereum' }],
    ['protocol:uniswap-v3', { kind: 'protocol', slug: 'uniswap-v3' }],
    ['protocol:ether.fi-stake', { kind: 'protocol', slug: 'ether.fi-stake' }],
    ['protocol:uniswap-v3:ethereum', { kind: 'protocol_chain', slug: 'uniswap-v3', chain: 'ethereum' }],
    ['protocol:quickswap:polygon_zkevm', { kind: 'protocol_chain', slug: 'quickswap', chain: 'polygon_zkevm' }],
    ['chain:ethereum:prices', { kind: 'chain_prices', chain: 'ethereum' }],
    ['chain:bsc:tvl', { kind: 'chain_tvl', chain: 'bsc' }],
  ])('%s is canonical', (channel, parts) => {
    expect(normalizeChannel(channel)).toEqual({ ok: true, channel, ...parts });
  });

  it('accepts the Move-style token ids DefiLlama uses for Aptos and Sui', () => {
    expect(normalizeChannel('token:aptos:0x1::aptos_coin::AptosCoin')).toMatchObject({
      ok: true,
      channel: 'token:aptos:0x1::aptos_coin::aptoscoin',
      chain: 'aptos',
    });
  });
});

describe('normalizeChannel: aliases and case', () => {
  it.each([
    ['events:prices', 'prices'],
    ['events:tvl', 'tvl'],
    ['events:protocols', 'protocols'],
    ['events:alerts', 'alerts'],
    ['events:token:coingecko:bitcoin', 'token:coingecko:bitcoin'],
    ['events:protocol:aave-v3', 'protocol:aave-v3'],
    ['events:chain:arbitrum:tvl', 'chain:arbitrum:tvl'],
    ['price_changes', 'prices'],
    ['tvl_changes', 'tvl'],
    ['events:price_changes', 'prices'],
    ['events:tvl_changes', 'tvl'],
    ['uniswap-v3:ethereum', 'protocol:uniswap-v3:ethereum'],
    ['events:aave-v3:arbitrum', 'protocol:aave-v3:arbitrum'],
    ['PRICES', 'prices'],
    ['Protocol:Uniswap-V3:Ethereum', 'protocol:uniswap-v3:ethereum'],
    ['Chain:BSC:Prices', 'chain:bsc:prices'],
  ])('%s -> %s', (alias, canonical) => {
    expect(normalizeChannel(alias)).toMatchObject({ ok: true, channel: canonical });
  });

  it('lower-cases a checksummed address so both spellings meet on one channel', () => {
    const normalized = normalizeChannel(`token:${USDC_CHECKSUMMED}`);
    expect(normalized).toEqual({ ok: true, kind: 'token', channel: `token:${USDC}`, tokenId: USDC, chain: 'ethereum' });
  });
});

describe('normalizeChannel: rejections', () => {
  it.each([
    ['', 'channel is empty'],
    ['foo', "unknown channel kind 'foo'"],
    ['foo:bar:baz', "unknown channel kind 'foo'"],
    ['constructor', "unknown channel kind 'constructor'"],
    ['token:ethereum', "token id must be 'coingecko:<id>' or '<chain>:<address>'"],
    ['token:', "token id must be 'coingecko:<id>' or '<chain>:<address>'"],
    ['token', "token channel must be 'token:<tokenId>', e.g. 'token:coingecko:ethereum'"],
    ['token:eth main:0xabc', "chain must be lower-case letters, digits, '-' or '_' (e.g. 'ethereum')"],
    [
      'token:coingecko:usd coin',
      "coingecko id must be lower-case letters, digits, '.', '_' or '-' (e.g. 'coingecko:ethereum')",
    ],
    ['token:ethereum:0x$', "token address must be letters, digits, '.', '_', ':' or '-' (e.g. 'ethereum:0xa0b8...')"],
    ['protocol:', "protocol channel must be 'protocol:<slug>' or 'protocol:<slug>:<chain>'"],
    ['protocol:a:b:c', "protocol channel must be 'protocol:<slug>' or 'protocol:<slug>:<chain>'"],
    ['protocol:uni swap', "protocol slug must be lower-case letters, digits, '.', '_' or '-' (e.g. 'uniswap-v3')"],
    ['protocol:uniswap:eth.main', "chain must be lower-case letters, digits, '-' or '_' (e.g. 'ethereum')"],
    ['chain:ethereum', "chain channel must be 'chain:<chain>:prices' or 'chain:<chain>:tvl'"],
    ['chain:ethereum:volume', "chain channel must be 'chain:<chain>:prices' or 'chain:<chain>:tvl'"],
    ['chain::prices', "chain must be lower-case letters, digits, '-' or '_' (e.g. 'ethereum')"],
    [
      'prices:ethereum',
      "'prices' takes no parameters; for one token use 'token:<tokenId>', for one chain 'chain:<chain>:prices'",
    ],
    [
      'tvl:uniswap',
      "'tvl' takes no parameters; for one protocol use 'protocol:<slug>', for one chain 'chain:<chain>:tvl'",
    ],
    ['protocols:x', "'protocols' takes no parameters; for one protocol use 'protocol:<slug>'"],
    ['events:', "'events:' must be followed by a channel, e.g. 'events:prices'"],
    ['events:events:prices', "the 'events:' prefix may appear only once"],
    ['coingecko:ethereum', "token channels are 'token:<tokenId>', e.g. 'token:coingecko:ethereum'"],
    [':ethereum', "expected '<slug>:<chain>'"],
    ['uni swap:ethereum', "protocol slug must be lower-case letters, digits, '.', '_' or '-' (e.g. 'uniswap-v3')"],
  ])('%j: %s', (channel, reason) => {
    expect(normalizeChannel(channel)).toEqual({ ok: false, code: 'UNKNOWN_CHANNEL', reason });
  });

  it('caps the length before parsing', () => {
    const atCap = `foo${'a'.repeat(CHANNEL_MAX_LENGTH - 3)}`;
    expect(normalizeChannel(atCap)).toMatchObject({ ok: false, reason: `unknown channel kind '${atCap}'` });
    expect(normalizeChannel(`${atCap}a`)).toEqual({
      ok: false,
      code: 'UNKNOWN_CHANNEL',
      reason: `channel is longer than ${CHANNEL_MAX_LENGTH} characters`,
    });
  });

  it.each(['alerts:user-42', 'events:alerts:user-42', 'ALERTS:someone'])(
    'refuses %s as FORBIDDEN: nobody reads another account alerts',
    (channel) => {
      expect(normalizeChannel(channel)).toEqual({
        ok: false,
        code: 'FORBIDDEN',
        reason: "'alerts' carries only your own alerts; subscribe to 'alerts'",
      });
    },
  );

  it('canonical names are fixed points, and rejections never throw', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), channelLike), (input) => {
        const first = normalizeChannel(input);
        if (!first.ok) return first.reason.length > 0;
        const again = normalizeChannel(first.channel);
        return again.ok && again.channel === first.channel && again.kind === first.kind;
      }),
      { numRuns: 2000 },
    );
  });
});

describe('userAlertsChannel and engineChannel', () => {
  it('gives each owner its own engine channel', () => {
    expect(userAlertsChannel('user-42')).toBe('alerts:user-42');
    expect(engineChannel('alerts', 'user-42')).toBe('alerts:user-42');
    expect(engineChannel('prices', 'user-42')).toBe('prices');
    expect(userAlertsChannel('auth0|5f2c')).toBe('alerts:auth0|5f2c');
  });

  it.each(['', 'a b', 'x'.repeat(257)])('throws a TypeError for a bad owner id (case %#)', (ownerId) => {
    expect(() => userAlertsChannel(ownerId)).toThrow(TypeError);
  });
});

describe('channelsForEvent', () => {
  const base = { eventId: 'e1', source: 'simulator', timestamp: 1_700_000_000_000 };
  const price = (tokenId: string, chain?: string): EventEnvelope => ({
    ...base,
    type: 'price_update',
    data: {
      tokenId,
      symbol: 'ETH',
      ...(chain === undefined ? {} : { chain }),
      price: 3000,
      previousPrice: 2990,
      changePercent: 0.33,
      timestamp: base.timestamp,
    },
  });
  const tvl = (chain?: string): EventEnvelope => ({
    ...base,
    type: 'tvl_update',
    data: {
      protocolId: 'uniswap-v3',
      protocolName: 'Uniswap V3',
      ...(chain === undefined ? {} : { chain }),
      tvl: 5e9,
      previousTvl: 4.9e9,
      changePercent: 2.04,
      timestamp: base.timestamp,
    },
  });

  it('sends a price with a chain to prices, its token and its chain (DESIGN example)', () => {
    expect(channelsForEvent(price('coingecko:ethereum', 'ethereum'))).toEqual([
      'prices',
      'token:coingecko:ethereum',
      'chain:ethereum:prices',
    ]);
  });

  it('derives the chain from a <chain>:<address> token id', () => {
    expect(channelsForEvent(price(USDC))).toEqual(['prices', `token:${USDC}`, 'chain:ethereum:prices']);
  });

  it('sends a chainless coingecko price to prices and its token only', () => {
    expect(channelsForEvent(price('coingecko:bitcoin'))).toEqual(['prices', 'token:coingecko:bitcoin']);
  });

  it('sends a total TVL to tvl, protocols and the protocol', () => {
    expect(channelsForEvent(tvl())).toEqual(['tvl', 'protocols', 'protocol:uniswap-v3']);
  });

  it('sends a per-chain TVL also to the protocol on that chain and the chain', () => {
    expect(channelsForEvent(tvl('arbitrum'))).toEqual([
      'tvl',
      'protocols',
      'protocol:uniswap-v3',
      'protocol:uniswap-v3:arbitrum',
      'chain:arbitrum:tvl',
    ]);
  });

  it('sends a protocol_update to protocols and the protocol', () => {
    const event: EventEnvelope = {
      ...base,
      type: 'protocol_update',
      data: { protocolId: 'aave-v3', protocolName: 'Aave V3', change: 'listed', fields: { category: 'Lending' } },
    };
    expect(channelsForEvent(event)).toEqual(['protocols', 'protocol:aave-v3']);
  });

  it("sends an alert to its owner's channel only", () => {
    const event: EventEnvelope = {
      ...base,
      type: 'alert',
      data: {
        alertId: 'a1',
        ruleId: 'r1',
        ownerId: 'user-42',
        type: 'price_above',
        message: 'ETH above 3000',
        priority: 'high',
        value: 3001,
        threshold: 3000,
        timestamp: base.timestamp,
      },
    };
    expect(channelsForEvent(event)).toEqual(['alerts:user-42']);
  });

  it('publishes only to names a subscriber can spell: every public channel is canonical', () => {
    for (const event of [price(USDC), price('coingecko:ethereum', 'ethereum'), tvl('bsc')]) {
      for (const channel of channelsForEvent(event)) {
        expect(normalizeChannel(channel)).toMatchObject({ ok: true, channel });
      }
    }
  });
});
