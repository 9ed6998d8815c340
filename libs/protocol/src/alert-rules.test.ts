import {
  ALERT_RULE_DEFAULTS,
  ALERT_RULE_TYPES,
  type CreateAlertRule,
  CreateAlertRuleSchema,
  UpdateAlertRuleSchema,
  applyAlertRuleUpdate,
  validate,
} from './index';

const websocket = [{ type: 'websocket' }];

describe('CreateAlertRuleSchema', () => {
  it('accepts a price rule and fills the defaults', () => {
    const rule = {
      type: 'price_above',
      target: { tokenId: 'coingecko:ethereum' },
      threshold: 4000,
      channels: websocket,
    };
    expect(CreateAlertRuleSchema.parse(rule)).toEqual({ ...rule, ...ALERT_RULE_DEFAULTS });
  });

  it('accepts a TVL change rule with every field', () => {
    const rule = {
      type: 'tvl_change_pct',
      name: 'Uniswap drains',
      target: { protocolId: 'uniswap-v3', chain: 'ethereum' },
      threshold: -10,
      window: '1h',
      cooldownSec: 3600,
      rearmPct: 2,
      channels: [
        { type: 'websocket' },
        { type: 'webhook', url: 'https://hooks.example.com/defi' },
        { type: 'email', to: 'ops@example.com' },
      ],
      priority: 'critical',
      enabled: false,
    };
    expect(CreateAlertRuleSchema.parse(rule)).toEqual(rule);
  });

  it.each([
    'http://127.0.0.1:9000/hook',
    'http://localhost:3000/hook',
    'http://[::1]:80/hook',
    'https://hooks.example.com/a?b=c',
  ])('accepts the webhook URL %s (private addresses are refused at delivery, not here)', (url) => {
    const rule = {
      type: 'price_above',
      target: { tokenId: 'coingecko:ethereum' },
      threshold: 1,
      channels: [{ type: 'webhook', url }],
    };
    expect(CreateAlertRuleSchema.safeParse(rule).success).toBe(true);
  });

  it.each(ALERT_RULE_TYPES)('accepts a minimal %s rule', (type) => {
    const target = type.startsWith('price')
      ? { tokenId: 'ethereum:0xdac17f958d2ee523a2206206994597c13d831ec7' }
      : { protocolId: 'aave-v3' };
    const window = type.endsWith('_change_pct') ? { window: '24h' } : {};
    expect(
      CreateAlertRuleSchema.safeParse({ type, target, threshold: 5, channels: websocket, ...window }).success,
    ).toBe(true);
  });

  it.each([
    [
      'a price rule without tokenId',
      { type: 'price_below', target: { protocolId: 'aave-v3' }, threshold: 1 },
      'target.tokenId',
      'required (and 1 more problem)',
    ],
    [
      'a price rule with a protocolId',
      { type: 'price_below', target: { tokenId: 'coingecko:ethereum', protocolId: 'aave-v3' }, threshold: 1 },
      'target.protocolId',
      'price rules target a tokenId, not a protocolId',
    ],
    [
      'a tvl rule without protocolId',
      { type: 'tvl_above', target: { tokenId: 'coingecko:ethereum' }, threshold: 1 },
      'target.protocolId',
      'required (and 1 more problem)',
    ],
    [
      'a tvl rule with a tokenId',
      { type: 'tvl_above', target: { protocolId: 'aave-v3', tokenId: 'coingecko:ethereum' }, threshold: 1 },
      'target.tokenId',
      'tvl rules target a protocolId, not a tokenId',
    ],
    [
      'a change rule without window',
      { type: 'price_change_pct', target: { tokenId: 'coingecko:ethereum' }, threshold: 5 },
      'window',
      "required for *_change_pct rules: '5m', '1h' or '24h'",
    ],
    [
      'a level rule with a window',
      { type: 'tvl_below', target: { protocolId: 'aave-v3' }, threshold: 5, window: '1h' },
      'window',
      'only *_change_pct rules take a window',
    ],
    [
      'an unknown window',
      { type: 'tvl_change_pct', target: { protocolId: 'aave-v3' }, threshold: 5, window: '2h' },
      'window',
      'expected one of "5m", "1h", "24h"',
    ],
    [
      'a zero change',
      { type: 'tvl_change_pct', target: { protocolId: 'aave-v3' }, threshold: 0, window: '1h' },
      'threshold',
      'a signed percent, not 0: +5 fires on a rise of 5 % or more, -5 on a fall',
    ],
    [
      'a negative price level',
      { type: 'price_above', target: { tokenId: 'coingecko:ethereum' }, threshold: -1 },
      'threshold',
      'expected a number >= 0',
    ],
    [
      'an unknown type',
      { type: 'volume_above', target: { protocolId: 'aave-v3' }, threshold: 1 },
      'type',
      expect.stringContaining('expected one of "price_above"'),
    ],
  ])('rejects %s at %s', (_name, rule, field, message) => {
    const result = validate(CreateAlertRuleSchema, { channels: websocket, ...rule });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.field).toBe(field);
      expect(result.error.message).toEqual(typeof message === 'string' ? `${field}: ${message}` : message);
    }
  });

  it.each([
    [[], 'channels', 'channels: expected at least 1 entry'],
    [Array.from({ length: 6 }, () => ({ type: 'websocket' })), 'channels', 'channels: expected at most 5 entries'],
    [
      [{ type: 'webhook', url: 'ftp://example.com' }],
      'channels.0.url',
      'channels.0.url: expected an http or https URL',
    ],
    [[{ type: 'webhook', url: 'not a url' }], 'channels.0.url', 'channels.0.url: expected an http or https URL'],
    [[{ type: 'email', to: 'nobody' }], 'channels.0.to', 'channels.0.to: expected an email address'],
    [
      [{ type: 'sms', to: '+100' }],
      'channels.0.type',
      'channels.0.type: expected one of "websocket", "webhook", "email"',
    ],
  ])('checks delivery channels (case %#)', (channels, field, message) => {
    const rule = { type: 'price_above', target: { tokenId: 'coingecko:ethereum' }, threshold: 1, channels };
    expect(validate(CreateAlertRuleSchema, rule)).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', field, message },
    });
  });

  it('bounds cooldown and re-arm', () => {
    const base = { type: 'price_above', target: { tokenId: 'coingecko:ethereum' }, threshold: 1, channels: websocket };
    expect(CreateAlertRuleSchema.safeParse({ ...base, cooldownSec: -1 }).success).toBe(false);
    expect(CreateAlertRuleSchema.safeParse({ ...base, cooldownSec: 1.5 }).success).toBe(false);
    expect(CreateAlertRuleSchema.safeParse({ ...base, rearmPct: -0.1 }).success).toBe(false);
    expect(CreateAlertRuleSchema.safeParse({ ...base, rearmPct: 0 }).success).toBe(true);
    expect(CreateAlertRuleSchema.safeParse({ ...base, priority: 'urgent' }).success).toBe(false);
  });
});

describe('UpdateAlertRuleSchema and applyAlertRuleUpdate', () => {
  const stored: CreateAlertRule = CreateAlertRuleSchema.parse({
    type: 'price_change_pct',
    target: { tokenId: 'coingecko:ethereum' },
    threshold: 5,
    window: '1h',
    channels: websocket,
    cooldownSec: 600,
  });

  it('accepts a partial update without filling defaults', () => {
    expect(UpdateAlertRuleSchema.parse({ threshold: 7 })).toEqual({ threshold: 7 });
  });

  it.each([
    [{}, undefined, 'an update needs at least one field'],
    [{ type: 'price_above', window: '1h' }, 'window', 'window: only *_change_pct rules take a window'],
    [
      { type: 'tvl_change_pct', window: null },
      'window',
      "window: required for *_change_pct rules: '5m', '1h' or '24h'",
    ],
    [
      { type: 'tvl_above', target: { tokenId: 'coingecko:ethereum' } },
      'target.tokenId',
      'target.tokenId: tvl rules target a protocolId, not a tokenId',
    ],
    [
      { type: 'price_above', target: { protocolId: 'aave-v3' } },
      'target.protocolId',
      'target.protocolId: price rules target a tokenId, not a protocolId',
    ],
    [{ cooldownSec: -5 }, 'cooldownSec', 'cooldownSec: expected a number >= 0'],
    [{ owner: 'x', enabled: true }, 'owner', 'owner: unknown field'],
  ])('rejects %j', (update, field, message) => {
    const result = validate(UpdateAlertRuleSchema, update);
    expect(result).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message, ...(field === undefined ? {} : { field }) },
    });
  });

  it('applies an update and keeps what it does not name', () => {
    const result = applyAlertRuleUpdate(stored, UpdateAlertRuleSchema.parse({ threshold: -3, enabled: false }));
    expect(result).toEqual({ ok: true, value: { ...stored, threshold: -3, enabled: false } });
  });

  it('removes the window with null when the type no longer takes one', () => {
    const update = UpdateAlertRuleSchema.parse({ type: 'price_above', threshold: 4000, window: null });
    const result = applyAlertRuleUpdate(stored, update);
    expect(result.ok && result.value).toEqual({ ...stored, type: 'price_above', threshold: 4000, window: undefined });
    expect(result.ok && 'window' in result.value).toBe(false);
  });

  it('checks the merged rule whole: a new type needs a matching target', () => {
    const result = applyAlertRuleUpdate(stored, UpdateAlertRuleSchema.parse({ type: 'tvl_change_pct' }));
    expect(!result.ok && result.error.field).toBe('target.protocolId');
  });
});
