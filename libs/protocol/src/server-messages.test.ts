import { ProtocolError, SERVER_MESSAGE_TYPES, type ServerMessage, ServerMessageSchema, validate } from './index';

const now = 1_700_000_000_000;
const position = { offset: 42, epoch: 'e7f3' };

// One of each server message of DESIGN section 3, as the gateway sends them.
const examples: ServerMessage[] = [
  {
    type: 'welcome',
    connectionId: 'c-1',
    resumeToken: 'rt_abc',
    heartbeatMs: 25_000,
    tier: 'free',
    limits: {
      maxConnectionsPerKey: 10,
      maxChannelsPerConnection: 50,
      subscriptionChangesPerMinute: 10,
      messagesPerMinute: 1000,
      maxMessageBytes: 65_536,
      recoveryWindowMs: 120_000,
    },
    serverTime: now,
  },
  {
    type: 'subscription_result',
    id: 'sub-1',
    results: [
      { channel: 'prices', status: 'subscribed', position, recovered: true },
      { channel: 'foo', status: 'error', error: { code: 'UNKNOWN_CHANNEL', message: "unknown channel kind 'foo'" } },
      { channel: 'tvl', status: 'unsubscribed' },
    ],
  },
  {
    type: 'price_update',
    channel: 'token:coingecko:ethereum',
    position,
    timestamp: now,
    data: {
      tokenId: 'coingecko:ethereum',
      symbol: 'ETH',
      price: 3000,
      previousPrice: 2990,
      changePercent: 0.33,
      timestamp: now,
    },
  },
  {
    type: 'tvl_update',
    channel: 'protocol:uniswap-v3',
    position,
    timestamp: now,
    data: {
      protocolId: 'uniswap-v3',
      protocolName: 'Uniswap V3',
      tvl: 4e9,
      previousTvl: 3.9e9,
      changePercent: 2.56,
      timestamp: now,
    },
  },
  {
    type: 'protocol_update',
    channel: 'protocols',
    position,
    timestamp: now,
    data: { protocolId: 'aave-v3', protocolName: 'Aave V3', change: 'metadata', fields: { url: 'https://aave.com' } },
  },
  {
    type: 'alert',
    channel: 'alerts',
    position,
    timestamp: now,
    data: {
      alertId: 'n1',
      ruleId: 'r1',
      ownerId: 'user-42',
      type: 'tvl_change_pct',
      message: 'Uniswap V3 TVL fell 6 % in 1h',
      priority: 'critical',
      value: -6,
      threshold: -5,
      timestamp: now,
    },
  },
  {
    type: 'snapshot',
    id: 'sub-1',
    channel: 'token:coingecko:ethereum',
    position,
    data: [
      {
        type: 'price_update',
        timestamp: now,
        data: {
          tokenId: 'coingecko:ethereum',
          symbol: 'ETH',
          price: 3000,
          previousPrice: 2990,
          changePercent: 0.33,
          timestamp: now,
        },
      },
    ],
  },
  { type: 'pong', id: 4, timestamp: now },
  { type: 'error', id: 5, code: 'BAD_REQUEST', message: 'channels: expected an array of strings', field: 'channels' },
  { type: 'system_announcement', data: { message: 'Maintenance at 02:00 UTC', level: 'warning' } },
];

describe('ServerMessageSchema', () => {
  it('has an example for every server message type', () => {
    expect(new Set(examples.map((message) => message.type))).toEqual(new Set(SERVER_MESSAGE_TYPES));
  });

  it.each(examples.map((message) => [message.type, message] as const))('accepts %s', (_type, message) => {
    expect(ServerMessageSchema.parse(JSON.parse(JSON.stringify(message)))).toEqual(message);
  });

  it('strips fields a newer server adds, so an older SDK keeps working', () => {
    expect(ServerMessageSchema.parse({ type: 'pong', timestamp: now, region: 'eu' })).toEqual({
      type: 'pong',
      timestamp: now,
    });
  });

  it('accepts error codes it does not know yet', () => {
    expect(ServerMessageSchema.safeParse({ type: 'error', code: 'SOME_FUTURE_CODE', message: 'x' }).success).toBe(true);
  });

  it('parses what ProtocolError.toWire produces', () => {
    const wire = new ProtocolError('UNKNOWN_CHANNEL', "unknown channel kind 'foo'", { field: 'channels.0' }).toWire(
      'r-1',
    );
    expect(ServerMessageSchema.parse(wire)).toEqual({
      type: 'error',
      id: 'r-1',
      code: 'UNKNOWN_CHANNEL',
      message: "unknown channel kind 'foo'",
      field: 'channels.0',
    });
  });

  it.each([
    ['a data message without position', { ...examples[2], position: undefined }, 'position'],
    [
      'a bad status',
      { type: 'subscription_result', results: [{ channel: 'prices', status: 'ok' }] },
      'results.0.status',
    ],
    ['a welcome without limits', { ...examples[0], limits: undefined }, 'limits'],
    ['an unknown type', { type: 'hello' }, 'type'],
  ])('rejects %s at %s', (_name, message, field) => {
    const result = validate(ServerMessageSchema, message);
    expect(!result.ok && result.error.field).toBe(field);
  });
});
