import { randomUUID } from 'node:crypto';
import { STREAMS } from '@defi-realtime/queue';
import { NotificationSchema, type Notification } from '../notifications/notification';
import type { StoredRule } from './stored-rule';

/** What test-fire needs of a Queue (libs/queue): appending to the outbox stream. */
export interface OutboxQueue {
  add(stream: string, payloads: string[]): Promise<string[]>;
}

/**
 * The notification `POST /v2/alerts/:id/test` sends: marked `test`, with an id of its own
 * (`test_<uuid>`, so two tests are two notifications, never deduplicated as one crossing),
 * the rule's threshold as the value and a message that says it is a test.
 */
export function testNotification(rule: StoredRule, now: number = Date.now()): Notification {
  return NotificationSchema.parse({
    id: `test_${randomUUID()}`,
    ruleId: rule.id,
    owner: rule.owner,
    type: rule.type,
    priority: rule.priority,
    message: `Test alert for ${rule.name === '' ? 'rule' : `"${rule.name}"`}: ${describeRule(rule)} (sent on request, not a real crossing)`,
    value: rule.threshold,
    threshold: rule.threshold,
    target: {
      ...(rule.tokenId === null ? {} : { tokenId: rule.tokenId }),
      ...(rule.protocolId === null ? {} : { protocolId: rule.protocolId }),
      ...(rule.chain === null ? {} : { chain: rule.chain }),
    },
    firedAt: now,
    eventId: 'test',
    test: true,
  });
}

/** Append a test notification for `rule` to the outbox; delivery sends it to every channel of the rule. */
export async function fireTest(queue: OutboxQueue, rule: StoredRule, now?: number): Promise<Notification> {
  const notification = testNotification(rule, now);
  await queue.add(STREAMS.outbox, [JSON.stringify(notification)]);
  return notification;
}

/** The rule's condition in words: `coingecko:ethereum price above 4000`, `aave-v3 on arbitrum TVL down 10% in 1h`. */
export function describeRule(rule: StoredRule): string {
  const subject = `${rule.tokenId ?? rule.protocolId ?? '?'}${rule.chain === null ? '' : ` on ${rule.chain}`}`;
  const what = rule.type.startsWith('price_') ? 'price' : 'TVL';
  if (rule.type.endsWith('_change_pct')) {
    const direction = rule.threshold >= 0 ? 'up' : 'down';
    return `${subject} ${what} ${direction} ${Math.abs(rule.threshold)}% in ${rule.window ?? '?'}`;
  }
  return `${subject} ${what} ${rule.type.endsWith('_above') ? 'above' : 'below'} ${rule.threshold}`;
}
