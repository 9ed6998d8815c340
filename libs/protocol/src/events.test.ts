import {
  ChainSchema,
  EventEnvelopeSchema,
  ProtocolIdSchema,
  TokenIdSchema,
  normalizeTokenId,
  parseTokenId,
  validate,
} from './index';

const now = 1_700_000_000_000;

// DESIGN section 4's events, one of each type.
const examples = {
  price_update: {
    eventId: 'defillama:coingecko:ethereum:1700000000',
    type: 'price_update',
    source: 'defillama',
    timestamp: now,
    data: {
      tokenId: 'coingecko:ethereum',
      symbol: 'ETH',
      chain: 'ethereum',
      price: 3012.5,
      previousPrice: 3000,
      changePercent: 0.4167,
      confidence: 0.99,
      decimals: 18,
      timestamp: now,
    },
  },
  tvl_update: {
    eventId: 'defillama:uniswap-v3:ethereum:1700000000',
    type: 'tvl_update',
    source: 'defillama',
    timestamp: now,
    data: {
      protocolId: 'uniswap-v3',
      protocolName: 'Uniswap V3',
      chain: 'ethereum',
      tvl: 4_100_000_000,
      previousTvl: 4_000_000_000,
      changePercent: 2.5,
      timestamp: now,
    },
  },
  protocol_update: {
    eventId: 'defillama:protocols:aave-v3:listed',
    type: 'protocol_update',
    source: 'defillama',
    timestamp: now,
    data: {
      protocolId: 'aave-v3',
      protocolName: 'Aave V3',
      change: 'listed',
      fields: { category: 'Lending', chains: ['Ethereum'] },
    },
  },
  alert: {
    eventId: 'alert:r1:1700000000',
    type: 'alert',
    source: 'alert-engine',
    timestamp: now,
    data: {
      alertId: 'n-1',
      ruleId: 'r1',
      ownerId: 'user-42',
      type: 'price_above',
      message: 'ETH rose above 3000 USD',
      priority: 'high',
      value: 3012.5,
      threshold: 3000,
      timestamp: now,
    },
  },
};

describe('EventEnvelopeSchema', () => {
  it.each(Object.entries(examples))('accepts a %s', (_type, event) => {
    expect(EventEnvelopeSchema.parse(event)).toEqual(event);
  });

  it('normalizes ids as DefiLlama spells them', () => {
    const event = {
      ...examples.price_update,
      data: {
        ...examples.price_update.data,
        tokenId: 'Ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
        chain: 'Ethereum',
      },
    };
    const parsed = EventEnvelopeSchema.parse(event);
    expect(parsed.type === 'price_update' && parsed.data).toMatchObject({
      tokenId: 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
      chain: 'ethereum',
    });
  });

  it.each([
    ['an unknown type', { ...examples.alert, type: 'volume_update' }, 'type'],
    [
      'a negative price',
      { ...examples.price_update, data: { ...examples.price_update.data, price: -1 } },
      'data.price',
    ],
    [
      'a malformed token id',
      { ...examples.price_update, data: { ...examples.price_update.data, tokenId: 'ethereum' } },
      'data.tokenId',
    ],
    ['a fractional timestamp', { ...examples.tvl_update, timestamp: 1.5 }, 'timestamp'],
    ['an empty eventId', { ...examples.tvl_update, eventId: '' }, 'eventId'],
    [
      'a slug with a space',
      { ...examples.tvl_update, data: { ...examples.tvl_update.data, protocolId: 'uni swap' } },
      'data.protocolId',
    ],
    [
      'an unknown change',
      { ...examples.protocol_update, data: { ...examples.protocol_update.data, change: 'renamed' } },
      'data.change',
    ],
    [
      'an alert without owner',
      { ...examples.alert, data: { ...examples.alert.data, ownerId: undefined } },
      'data.ownerId',
    ],
    [
      'an unknown priority',
      { ...examples.alert, data: { ...examples.alert.data, priority: 'urgent' } },
      'data.priority',
    ],
    [
      'a chain other than the token id names',
      {
        ...examples.price_update,
        data: { ...examples.price_update.data, tokenId: 'arbitrum:0xaf88d065e77c8cc2239327c5edb3a432268e5831' },
      },
      'data.chain',
    ],
  ])('rejects %s at %s', (_name, event, field) => {
    const result = validate(EventEnvelopeSchema, event);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.field).toBe(field);
  });
});

describe('ids', () => {
  it('normalizeTokenId lower-cases the address', () => {
    expect(normalizeTokenId('ethereum:0xA0b8')).toBe('ethereum:0xa0b8');
  });

  it('parseTokenId names the chain of address ids only', () => {
    expect(parseTokenId('bsc:0x55d398326f99059ff775485246999027b3197955')).toEqual({
      ok: true,
      tokenId: 'bsc:0x55d398326f99059ff775485246999027b3197955',
      chain: 'bsc',
    });
    expect(parseTokenId('coingecko:usd-coin')).toEqual({ ok: true, tokenId: 'coingecko:usd-coin' });
    expect(parseTokenId('usd-coin')).toEqual({
      ok: false,
      reason: "token id must be 'coingecko:<id>' or '<chain>:<address>'",
    });
  });

  it.each([
    'coingecko:ethereum',
    'ethereum:0xdac17f958d2ee523a2206206994597c13d831ec7',
    'solana:epjfwdd5aufqssqem2qn1xzybapc8g4wegGkzwytdt1v',
  ])('TokenIdSchema accepts %s', (tokenId) => {
    expect(TokenIdSchema.parse(tokenId)).toBe(tokenId.toLowerCase());
  });

  it.each(['', 'coingecko:', ':0xabc', 'ethereum', 'coingecko:a b', 'eth/main:0xabc'])(
    'TokenIdSchema rejects %j',
    (tokenId) => {
      expect(TokenIdSchema.safeParse(tokenId).success).toBe(false);
    },
  );

  it('ChainSchema and ProtocolIdSchema lower-case and check the grammar', () => {
    expect(ChainSchema.parse('Arbitrum')).toBe('arbitrum');
    expect(ChainSchema.safeParse('arbitrum one').success).toBe(false);
    expect(ChainSchema.safeParse('eth:main').success).toBe(false);
    expect(ProtocolIdSchema.parse('Uniswap-V3')).toBe('uniswap-v3');
    expect(ProtocolIdSchema.safeParse('uniswap:v3').success).toBe(false);
    expect(ProtocolIdSchema.safeParse('-leading-dash').success).toBe(false);
  });
});
