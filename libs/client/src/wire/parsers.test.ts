import { parseEnvelope } from './envelope-parser';
import { parseWithSchemas } from './schema-parser';

const position = { offset: 46, epoch: 'e7f3' };
const VALID = [
  {
    type: 'welcome',
    connectionId: 'c-1',
    resumeToken: 'rt',
    heartbeatMs: 25_000,
    tier: 'free',
    limits: {
      maxConnectionsPerKey: 10,
      maxChannelsPerConnection: 50,
      subscriptionChangesPerMinute: 10,
      messagesPerMinute: 1_000,
      maxMessageBytes: 65_536,
      recoveryWindowMs: 120_000,
    },
    serverTime: 1,
  },
  {
    type: 'subscription_result',
    id: 'sub-1',
    results: [
      { channel: 'prices', status: 'subscribed', position, recovered: true },
      { channel: 'foo', status: 'error', error: { code: 'UNKNOWN_CHANNEL', message: 'no' } },
    ],
  },
  {
    type: 'price_update',
    channel: 'token:coingecko:ethereum',
    position,
    timestamp: 1,
    data: { tokenId: 'coingecko:ethereum', symbol: 'ETH', price: 1, previousPrice: 1, changePercent: 0, timestamp: 1 },
  },
  {
    type: 'tvl_update',
    channel: 'tvl',
    position,
    timestamp: 1,
    data: { protocolId: 'aave', protocolName: 'Aave', tvl: 1, previousTvl: 1, changePercent: 0, timestamp: 1 },
  },
  {
    type: 'protocol_update',
    channel: 'protocols',
    position,
    timestamp: 1,
    data: { protocolId: 'aave', protocolName: 'Aave', change: 'listed', fields: {} },
  },
  {
    type: 'alert',
    channel: 'alerts',
    position,
    timestamp: 1,
    data: {
      alertId: 'a',
      ruleId: 'r',
      ownerId: 'o',
      type: 'price_above',
      message: 'm',
      priority: 'high',
      value: 1,
      threshold: 1,
      timestamp: 1,
    },
  },
  { type: 'snapshot', channel: 'prices', position, data: [] },
  { type: 'pong', id: 5, timestamp: 1 },
  { type: 'error', code: 'GOING_AWAY', message: 'bye' },
  { type: 'system_announcement', data: { message: 'maintenance', level: 'warning' } },
];
const MALFORMED = [
  { type: 'welcome', connectionId: 'c-1', heartbeatMs: 25_000, limits: {}, serverTime: 1 },
  { type: 'subscription_result', results: [{ channel: 'prices', status: 'maybe' }] },
  { type: 'price_update', channel: 'prices', position: { offset: -1, epoch: 'e' }, timestamp: 1, data: {} },
  { type: 'tvl_update', channel: 7, position, timestamp: 1, data: {} },
  { type: 'error', message: 'no code' },
];

describe('server frame parsers', () => {
  it.each(VALID.map((m) => [m.type, m]))('both accept a valid %s', (_type, message) => {
    const text = JSON.stringify(message);
    expect(parseWithSchemas(text)).toMatchObject({ ok: true, message: { type: message.type } });
    expect(parseEnvelope(text)).toMatchObject({ ok: true, message: { type: message.type } });
  });

  it.each(MALFORMED.map((m, i) => [i, m]))('both report malformed frame %i', (_i, message) => {
    const text = JSON.stringify(message);
    expect(parseWithSchemas(text)).toEqual({ ok: false, error: expect.any(String) });
    expect(parseEnvelope(text)).toEqual({ ok: false, error: expect.any(String) });
  });

  it('skip unknown types quietly (a newer server) and report non-JSON', () => {
    for (const parse of [parseWithSchemas, parseEnvelope]) {
      expect(parse('{"type":"hologram","x":1}')).toEqual({ ok: false });
      expect(parse('[1,2]')).toEqual({ ok: false });
      expect(parse('{oops')).toEqual({ ok: false, error: 'the frame is not JSON' });
    }
  });

  it('the full parser also checks event data, which the browser one passes through', () => {
    const text = JSON.stringify({ ...VALID[2], data: { tokenId: 'coingecko:ethereum', price: 'cheap' } });
    expect(parseWithSchemas(text).ok).toBe(false);
    expect(parseEnvelope(text).ok).toBe(true);
  });
});
