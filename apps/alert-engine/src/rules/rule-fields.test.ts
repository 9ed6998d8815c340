import { ALERT_RULE_TYPES, CreateAlertRuleSchema, type CreateAlertRule } from '@defi-realtime/protocol';
import { toCreateRule, toRuleColumns } from './rule-fields';
import { toStoredRule, type StoredChannel } from './stored-rule';

/** What a row would hold for `rule` (the database round trip without the database). */
function stored(rule: CreateAlertRule, channels: StoredChannel[]) {
  const columns = toRuleColumns(rule);
  const now = new Date();
  return toStoredRule({
    ...columns,
    id: 'id',
    owner: 'o',
    api_key_id: null,
    channels,
    created_at: now,
    updated_at: now,
  });
}

describe('rule fields', () => {
  it.each(ALERT_RULE_TYPES)('maps a %s rule to columns and back unchanged', (type) => {
    const rule = CreateAlertRuleSchema.parse({
      type,
      name: 'n',
      target: type.startsWith('price')
        ? { tokenId: 'coingecko:ethereum', chain: 'ethereum' }
        : { protocolId: 'aave-v3' },
      threshold: 7,
      ...(type.endsWith('_change_pct') ? { window: '24h' } : {}),
      channels: [{ type: 'webhook', url: 'https://a.example.com' }],
      priority: 'low',
      enabled: false,
    });
    const channels: StoredChannel[] = [{ type: 'webhook', url: 'https://a.example.com', secret: 'whsec_x' }];
    expect(toCreateRule(stored(rule, channels))).toEqual(rule);
  });

  it('stores windows in seconds and an absent name as empty', () => {
    const rule = CreateAlertRuleSchema.parse({
      type: 'tvl_change_pct',
      target: { protocolId: 'lido' },
      threshold: -3,
      window: '5m',
      channels: [{ type: 'websocket' }],
    });
    expect(toRuleColumns(rule)).toMatchObject({
      name: '',
      window_sec: 300,
      token_id: null,
      protocol_id: 'lido',
      chain: null,
      rearm_pct: 0.5,
    });
    expect(toCreateRule(stored(rule, [{ type: 'websocket' }]))).not.toHaveProperty('name');
  });
});
