import { createHash } from 'node:crypto';
import type { Notification } from '../notifications/notification';
import type { StoredRule } from '../rules/stored-rule';
import type { Fire } from './evaluate';

/**
 * The notification id of a rule crossing: `ntf_` + the first 32 hex digits of
 * sha256(`<ruleId>:<eventId>`). The same event evaluated again (redelivered, claimed by
 * another worker) gives the same id, so delivery can drop a duplicate.
 */
export function notificationId(ruleId: string, eventId: string): string {
  return `ntf_${createHash('sha256').update(`${ruleId}:${eventId}`).digest('hex').slice(0, 32)}`;
}

/** What the event says about the target, for the message. */
export interface FireContext {
  eventId: string;
  /** The token's symbol or the protocol's name, as the event carries it. */
  label: string;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const cents = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const small = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
const exact = new Intl.NumberFormat('en-US', { maximumFractionDigits: 8 });

/** A price as people read it: `4,012.50`, `0.000123457`. */
function price(value: number): string {
  return Math.abs(value) >= 1 || value === 0 ? cents.format(value) : small.format(value);
}

/**
 * The human-readable line: `ETH (coingecko:ethereum) above 4,000: 4,012.50`,
 * `Aave V3 (aave-v3) TVL down 10.4% in 1h`.
 */
export function alertMessage(rule: StoredRule, label: string, measured: number): string {
  const isPrice = rule.type.startsWith('price_');
  const subject = `${label} (${isPrice ? rule.tokenId : rule.protocolId})${rule.chain ? ` on ${rule.chain}` : ''}${isPrice ? '' : ' TVL'}`;
  const money = isPrice ? price : (v: number) => integer.format(v);
  switch (rule.type) {
    case 'price_above':
    case 'tvl_above':
      return `${subject} above ${exact.format(rule.threshold)}: ${money(measured)}`;
    case 'price_below':
    case 'tvl_below':
      return `${subject} below ${exact.format(rule.threshold)}: ${money(measured)}`;
    case 'price_change_pct':
    case 'tvl_change_pct':
      return `${subject} ${measured >= 0 ? 'up' : 'down'} ${Math.abs(measured).toFixed(1)}% in ${rule.window ?? `${rule.windowMs} ms`}`;
  }
}

/** The notification a fire puts on the outbox (NotificationSchema's shape). */
export function buildNotification(rule: StoredRule, fire: Fire, context: FireContext): Notification {
  const target: Notification['target'] = rule.type.startsWith('price_')
    ? { tokenId: rule.tokenId ?? undefined }
    : { protocolId: rule.protocolId ?? undefined };
  if (rule.chain !== null) target.chain = rule.chain;
  return {
    id: notificationId(rule.id, context.eventId),
    ruleId: rule.id,
    owner: rule.owner,
    type: rule.type,
    priority: rule.priority,
    message: alertMessage(rule, context.label, fire.measured),
    value: fire.measured,
    threshold: rule.threshold,
    target,
    firedAt: fire.ts,
    eventId: context.eventId,
    test: false,
  };
}
