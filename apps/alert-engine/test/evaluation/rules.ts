import { randomUUID } from 'node:crypto';
import type { Queryable } from '@defi-realtime/db';
import type { AlertRuleType } from '@defi-realtime/protocol';
import type { StoredRule } from '../../src/rules/stored-rule';

/** A rule as the evaluation reads it, with test defaults (ETH above 4,000, any chain). */
export function storedRule(overrides: Partial<StoredRule> = {}): StoredRule {
  const type: AlertRuleType = overrides.type ?? 'price_above';
  const isPrice = type.startsWith('price_');
  return {
    id: randomUUID(),
    owner: 'alice',
    apiKeyId: null,
    name: '',
    type,
    tokenId: isPrice ? 'coingecko:ethereum' : null,
    protocolId: isPrice ? null : 'aave-v3',
    chain: null,
    threshold: 4000,
    window: null,
    windowMs: null,
    cooldownSec: 300,
    rearmPct: 0.5,
    channels: [{ type: 'websocket' }],
    priority: 'normal',
    enabled: true,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

const WINDOW_SEC = { '5m': 300, '1h': 3600, '24h': 86_400 } as const;

/** Insert a rule row as the rules API would (only the columns evaluation reads); returns its id. */
export async function insertRule(db: Queryable, overrides: Partial<StoredRule> = {}): Promise<string> {
  const r = storedRule(overrides);
  await db.query(
    `INSERT INTO alert_rules (id, owner, type, token_id, protocol_id, chain, threshold, window_sec, cooldown_sec, rearm_pct, channels, priority, enabled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      r.id,
      r.owner,
      r.type,
      r.tokenId,
      r.protocolId,
      r.chain,
      r.threshold,
      r.window ? WINDOW_SEC[r.window] : null,
      r.cooldownSec,
      r.rearmPct,
      JSON.stringify(r.channels),
      r.priority,
      r.enabled,
    ],
  );
  return r.id;
}
