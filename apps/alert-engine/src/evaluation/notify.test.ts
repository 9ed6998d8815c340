import { createHash } from 'node:crypto';
import { NotificationSchema } from '../notifications/notification';
import { storedRule } from '../../test/evaluation/rules';
import { alertMessage, buildNotification, notificationId } from './notify';

describe('notificationId', () => {
  it('is ntf_ + the first 32 hex digits of sha256(ruleId:eventId), the same every time', () => {
    const digest = createHash('sha256').update('rule-1:evt-1').digest('hex');
    expect(notificationId('rule-1', 'evt-1')).toBe(`ntf_${digest.slice(0, 32)}`);
    expect(notificationId('rule-1', 'evt-1')).toBe(notificationId('rule-1', 'evt-1'));
    expect(notificationId('rule-1', 'evt-2')).not.toBe(notificationId('rule-1', 'evt-1'));
  });
});

describe('alertMessage', () => {
  it.each([
    [storedRule({ threshold: 4000 }), 'ETH', 4012.5, 'ETH (coingecko:ethereum) above 4,000: 4,012.50'],
    [
      storedRule({ type: 'price_below', threshold: 0.995, tokenId: 'coingecko:usd-coin', chain: 'base' }),
      'USDC',
      0.99123456,
      'USDC (coingecko:usd-coin) on base below 0.995: 0.991235',
    ],
    [
      storedRule({ type: 'price_change_pct', threshold: 5, window: '24h', windowMs: 86_400_000 }),
      'ETH',
      5.234,
      'ETH (coingecko:ethereum) up 5.2% in 24h',
    ],
    [
      storedRule({ type: 'tvl_above', threshold: 25e9 }),
      'Aave V3',
      25_012_345_678.4,
      'Aave V3 (aave-v3) TVL above 25,000,000,000: 25,012,345,678',
    ],
    [
      storedRule({ type: 'tvl_below', threshold: 1e9, chain: 'arbitrum' }),
      'Aave V3',
      999_000_000,
      'Aave V3 (aave-v3) on arbitrum TVL below 1,000,000,000: 999,000,000',
    ],
    [
      storedRule({ type: 'tvl_change_pct', threshold: -10, window: '1h', windowMs: 3_600_000 }),
      'Aave V3',
      -10.43,
      'Aave V3 (aave-v3) TVL down 10.4% in 1h',
    ],
  ])('%#: %s', (rule, label, measured, expected) => {
    expect(alertMessage(rule, label, measured)).toBe(expected);
  });
});

describe('buildNotification', () => {
  it('builds a valid outbox notification from the rule, the fire and the event', () => {
    const rule = storedRule({ type: 'tvl_below', threshold: 1e9, chain: 'base', priority: 'high', owner: 'bob' });
    const notification = buildNotification(
      rule,
      { measured: 9e8, ts: 1_700_000_000_000 },
      { eventId: 'evt-9', label: 'Aave V3' },
    );
    expect(NotificationSchema.parse(JSON.parse(JSON.stringify(notification)))).toEqual({
      id: notificationId(rule.id, 'evt-9'),
      ruleId: rule.id,
      owner: 'bob',
      type: 'tvl_below',
      priority: 'high',
      message: 'Aave V3 (aave-v3) on base TVL below 1,000,000,000: 900,000,000',
      value: 9e8,
      threshold: 1e9,
      target: { protocolId: 'aave-v3', chain: 'base' },
      firedAt: 1_700_000_000_000,
      eventId: 'evt-9',
      test: false,
    });
  });
});
