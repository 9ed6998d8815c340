import { ApiKeyStore, DEFAULT_TIER_LIMITS } from '@defi-realtime/auth';
import type { Database } from '@defi-realtime/db';

/** The price every webhook rule is set at; crossings alternate LOW_PRICE and HIGH_PRICE around it. */
export const THRESHOLD = 100;
export const LOW_PRICE = 99;
export const HIGH_PRICE = 101;
/** Hysteresis of the webhook rules: 0.1 % of 100 re-arms at 99.9 / 100.1, well inside the 99-101 swing. */
const REARM_PCT = 0.1;

export type PriceRuleType = 'price_above' | 'price_below';

/** A rule with a webhook channel to the receiver. */
export interface WebhookRule {
  id: string;
  tokenIndex: number;
  type: PriceRuleType;
  /** The channel's signing secret, shown once at creation. */
  secret: string;
}

/** What createBenchRules made. */
export interface BenchRules {
  /** By rule id. */
  webhook: Map<string, WebhookRule>;
  /** Rules with only a WebSocket channel, at levels the crossings never reach. */
  websocket: number;
  /** Owners (one enterprise API key each) the rules are spread over. */
  owners: number;
  /** Webhook rules created with a placeholder URL and pointed at the receiver in PostgreSQL (see placeholderFor). */
}

export interface CreateRulesOptions {
  db: Database;
  /** The alert engine's base URL. */
  alertsUrl: string;
  tokenIds: readonly string[];
  /** All rules, webhook ones included (two per token). */
  rules: number;
  receiverUrl: string;
  /** Called with each webhook rule's secret as soon as it is known. */
  onSecret: (ruleId: string, secret: string) => void;
  /** POSTs in flight at once. @default 8 */
  concurrency?: number;
}

interface RuleSpec {
  tokenIndex: number;
  type: PriceRuleType;
  threshold: number;
  webhook: boolean;
}

/**
 * Create the rules through `POST /v2/alerts`, as users do: per token a `price_above` and
 * a `price_below` at THRESHOLD with a webhook channel (cooldown 0), the rest of `rules`
 * WebSocket-only on the same tokens, so each event is evaluated against a realistic
 * number of rules. The enterprise tier keeps at most maxAlertRules per owner: the rules
 * are spread over as many owners.
 */
export async function createBenchRules(options: CreateRulesOptions): Promise<BenchRules> {
  const { tokenIds, rules } = options;
  if (rules < 2 * tokenIds.length)
    throw new RangeError(
      `--rules must be at least 2 x --tokens (${2 * tokenIds.length}): two webhook rules per token, got ${rules}`,
    );
  const cap = DEFAULT_TIER_LIMITS.enterprise.maxAlertRules;
  const owners = Math.ceil(rules / cap);
  const store = new ApiKeyStore(options.db);
  const keys: string[] = [];
  for (let i = 0; i < owners; i++) {
    keys.push(
      (await store.create({ name: `webhook-bench-${i}`, tier: 'enterprise', owner: `webhook-bench-owner-${i}` })).key,
    );
  }

  const specs: RuleSpec[] = [];
  const websocket = rules - 2 * tokenIds.length;
  for (let j = 0; j < websocket; j++) {
    const above = j % 2 === 0;
    // Far from the 99-101 swing: evaluated on every event of their token, never firing.
    specs.push({
      tokenIndex: j % tokenIds.length,
      type: above ? 'price_above' : 'price_below',
      threshold: above ? 110 + (j % 90) : 90 - (j % 80),
      webhook: false,
    });
  }
  tokenIds.forEach((_, tokenIndex) => {
    specs.push({ tokenIndex, type: 'price_above', threshold: THRESHOLD, webhook: true });
    specs.push({ tokenIndex, type: 'price_below', threshold: THRESHOLD, webhook: true });
  });

  const webhook = new Map<string, WebhookRule>();
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const spec = specs[index]!;
      const key = keys[Math.floor(index / cap)]!;
      const tokenId = tokenIds[spec.tokenIndex]!;
      const res = await postRule(options.alertsUrl, key, spec, tokenId, options.receiverUrl);
      if (res.status !== 201) throw new Error(`POST /v2/alerts answered ${res.status}: ${await res.text()}`);
      const rule = (await res.json()) as CreatedRule;
      if (spec.webhook) {
        const secret = rule.channels.find((c) => c.type === 'webhook')?.secret;
        if (!secret?.startsWith('whsec_'))
          throw new Error(`POST /v2/alerts: rule ${rule.id} came back without its webhook secret (channels[].secret)`);
        webhook.set(rule.id, { id: rule.id, tokenIndex: spec.tokenIndex, type: spec.type, secret });
        options.onSecret(rule.id, secret);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return { webhook, websocket, owners };
}

interface CreatedRule {
  id: string;
  channels: Array<{ type: string; secret?: string }>;
}

async function postRule(
  alertsUrl: string,
  apiKey: string,
  spec: RuleSpec,
  tokenId: string,
  webhookUrl: string,
): Promise<Response> {
  const body = {
    type: spec.type,
    name: `bench ${spec.type} ${spec.threshold}`,
    target: { tokenId },
    threshold: spec.threshold,
    channels: spec.webhook ? [{ type: 'webhook', url: webhookUrl }] : [{ type: 'websocket' }],
    // Every crossing of a webhook rule is a notification: no cooldown, a small hysteresis.
    ...(spec.webhook ? { cooldownSec: 0, rearmPct: REARM_PCT, priority: 'high' } : {}),
  };
  return fetch(`${alertsUrl}/v2/alerts`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
