import { NotificationSchema } from '../notifications/notification';
import type { StoredRule } from './stored-rule';
import { describeRule, testNotification } from './test-fire';

const base: StoredRule = {
  id: '6f1c2a54-8d0e-4a59-9a57-0d2b8f1e3c4d',
  owner: 'alice',
  apiKeyId: null,
  name: '',
  type: 'price_above',
  tokenId: 'coingecko:ethereum',
  protocolId: null,
  chain: null,
  threshold: 4000,
  window: null,
  windowMs: null,
  cooldownSec: 300,
  rearmPct: 0.5,
  channels: [{ type: 'websocket' }],
  priority: 'high',
  enabled: true,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe('test-fire', () => {
  it.each([
    [base, 'coingecko:ethereum price above 4000'],
    [
      { ...base, type: 'price_below', chain: 'ethereum', threshold: 0.99 },
      'coingecko:ethereum on ethereum price below 0.99',
    ],
    [{ ...base, type: 'price_change_pct', threshold: 5, window: '5m' }, 'coingecko:ethereum price up 5% in 5m'],
    [
      { ...base, type: 'tvl_change_pct', tokenId: null, protocolId: 'aave-v3', threshold: -10, window: '1h' },
      'aave-v3 TVL down 10% in 1h',
    ],
  ] as Array<[StoredRule, string]>)('describes the rule (case %#)', (rule, text) => {
    expect(describeRule(rule)).toBe(text);
  });

  it('makes a test notification with its own id and the threshold as value', () => {
    const a = testNotification({ ...base, name: 'ETH 4k' }, 1_700_000_000_000);
    expect(NotificationSchema.parse(a)).toEqual(a);
    expect(a).toEqual({
      id: expect.stringMatching(/^test_[0-9a-f-]{36}$/),
      ruleId: base.id,
      owner: 'alice',
      type: 'price_above',
      priority: 'high',
      message: 'Test alert for "ETH 4k": coingecko:ethereum price above 4000 (sent on request, not a real crossing)',
      value: 4000,
      threshold: 4000,
      target: { tokenId: 'coingecko:ethereum' },
      firedAt: 1_700_000_000_000,
      eventId: 'test',
      test: true,
    });
    expect(testNotification(base).id).not.toBe(a.id);
  });
});
