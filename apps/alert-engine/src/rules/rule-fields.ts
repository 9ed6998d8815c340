import { ALERT_WINDOWS_MS, type CreateAlertRule, type DeliveryChannel } from '@defi-realtime/protocol';
import type { RuleColumns, StoredChannel, StoredRule } from './stored-rule';

/** A validated rule as its columns (channels are stored separately, with their secrets). */
export function toRuleColumns(rule: CreateAlertRule): RuleColumns {
  return {
    name: rule.name ?? '',
    type: rule.type,
    token_id: rule.target.tokenId ?? null,
    protocol_id: rule.target.protocolId ?? null,
    chain: rule.target.chain ?? null,
    threshold: rule.threshold,
    window_sec: rule.window === undefined ? null : ALERT_WINDOWS_MS[rule.window] / 1000,
    cooldown_sec: rule.cooldownSec,
    rearm_pct: rule.rearmPct,
    priority: rule.priority,
    enabled: rule.enabled,
  };
}

/** A channel as the user gave it: without its secret or delivery state. */
export function toDeliveryChannel(channel: StoredChannel): DeliveryChannel {
  switch (channel.type) {
    case 'webhook':
      return { type: 'webhook', url: channel.url };
    case 'email':
      return { type: 'email', to: channel.to };
    case 'websocket':
      return { type: 'websocket' };
  }
}

/**
 * A stored rule in the form users create it, so an update can be applied to it and the
 * result checked as a whole rule (applyAlertRuleUpdate). Not re-validated here: that
 * check is exactly what applyAlertRuleUpdate does on the merged result.
 */
export function toCreateRule(rule: StoredRule): CreateAlertRule {
  const chain = rule.chain === null ? {} : { chain: rule.chain };
  const target =
    rule.tokenId !== null ? { tokenId: rule.tokenId, ...chain } : { protocolId: rule.protocolId ?? '', ...chain };
  return {
    type: rule.type,
    ...(rule.name === '' ? {} : { name: rule.name }),
    target,
    threshold: rule.threshold,
    ...(rule.window === null ? {} : { window: rule.window }),
    cooldownSec: rule.cooldownSec,
    rearmPct: rule.rearmPct,
    channels: rule.channels.map(toDeliveryChannel),
    priority: rule.priority,
    enabled: rule.enabled,
  } as CreateAlertRule;
}
