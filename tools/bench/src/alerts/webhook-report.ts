import { percentile, summarize } from '../stats';
import type { Crossing } from './webhook-crossings';
import type { WebhookArrival } from './webhook-receiver';
import type { StageLatencies } from './webhook-stages';
import { HIGH_PRICE, type WebhookRule } from './webhook-rules';

/** The issue-7 target: event-to-webhook-request p99 under this, endpoint answering at once. */
export const TARGET_P99_MS = 100;

/** Percentiles of a set of latencies (ms). */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** How the measured crossings and the webhook requests matched up. */
export interface Matching {
  crossings: {
    sent: number;
    /** Ingest answered other than 200, or the request failed: nothing was published. */
    refused: number;
    /** Answered 200 with no event (the processor saw no change): no webhook expected. */
    noEvent: number;
    /** Crossings published as events: each should bring exactly one webhook request. */
    expected: number;
  };
  webhooks: {
    /** Crossings whose webhook arrived (first arrival counted). */
    received: number;
    /** Expected crossings with no webhook after the drain period. */
    lost: number;
    /** Requests whose webhook-id had already arrived (a retry of a delivered webhook). */
    duplicates: number;
    /** Crossings that brought more than one distinct webhook-id (more than one notification). */
    extraNotifications: number;
    /** Requests naming a measured crossing but the wrong rule or value. */
    mismatched: number;
    /** Requests naming no crossing of this run, warm-up excluded. */
    unmatched: number;
    signatures: { verified: number; failed: number; unknownSecret: number };
  };
  /** Ingest request sent -> webhook request received at the endpoint. */
  latencyMs: LatencySummary;
  /** Ingest request sent -> ingest answered: the part of the path before the alert engine. */
  ingestRoundTripMs: LatencySummary;
}

/**
 * Match each webhook request to its crossing by `data.timestamp` (the bench makes it
 * unique per crossing), check it is the rule that should fire (the token's price_above
 * on the way up, its price_below on the way down) with the crossing's value, and count
 * what is missing, repeated or unexplained. Arrivals for `ignoredTimestamps` (warm-up
 * crossings) are left out.
 */
export function matchArrivals(
  crossings: readonly Crossing[],
  arrivals: readonly WebhookArrival[],
  rules: ReadonlyMap<string, WebhookRule>,
  ignoredTimestamps: ReadonlySet<number>,
): Matching {
  const byTimestamp = new Map<number, Crossing>();
  for (const c of crossings) byTimestamp.set(c.timestamp, c);
  const firstArrival = new Map<Crossing, number>();
  const idsPerCrossing = new Map<Crossing, Set<string>>();
  const seenIds = new Set<string>();
  const webhooks = {
    duplicates: 0,
    mismatched: 0,
    unmatched: 0,
    signatures: { verified: 0, failed: 0, unknownSecret: 0 },
  };
  for (const arrival of arrivals) {
    if (ignoredTimestamps.has(arrival.timestamp)) continue;
    if (arrival.verified === true) webhooks.signatures.verified += 1;
    else if (arrival.verified === false) webhooks.signatures.failed += 1;
    else webhooks.signatures.unknownSecret += 1;
    if (seenIds.has(arrival.webhookId)) {
      webhooks.duplicates += 1;
      continue;
    }
    seenIds.add(arrival.webhookId);
    const crossing = byTimestamp.get(arrival.timestamp);
    if (!crossing) {
      webhooks.unmatched += 1;
      continue;
    }
    const rule = rules.get(arrival.ruleId);
    const expectedType = crossing.price === HIGH_PRICE ? 'price_above' : 'price_below';
    if (
      !rule ||
      rule.tokenIndex !== crossing.tokenIndex ||
      rule.type !== expectedType ||
      arrival.value !== crossing.price ||
      arrival.type !== 'alert.fired'
    ) {
      webhooks.mismatched += 1;
      continue;
    }
    const ids = idsPerCrossing.get(crossing) ?? new Set<string>();
    ids.add(arrival.webhookId);
    idsPerCrossing.set(crossing, ids);
    if (!firstArrival.has(crossing)) firstArrival.set(crossing, arrival.at);
  }

  const published = crossings.filter((c) => !c.error && c.events > 0);
  const latencies = [...firstArrival].map(([crossing, at]) => at - crossing.sentAt);
  const answered = crossings.filter((c) => !c.error).map((c) => c.answeredAt - c.sentAt);
  return {
    crossings: {
      sent: crossings.length,
      refused: crossings.filter((c) => c.error).length,
      noEvent: crossings.filter((c) => !c.error && c.events === 0).length,
      expected: published.length,
    },
    webhooks: {
      received: firstArrival.size,
      lost: published.filter((c) => !firstArrival.has(c)).length,
      extraNotifications: [...idsPerCrossing.values()].filter((ids) => ids.size > 1).length,
      ...webhooks,
    },
    latencyMs: latencySummary(latencies),
    ingestRoundTripMs: latencySummary(answered),
  };
}

/** Nearest-rank percentiles (every value one that really happened), p90 included. */
export function latencySummary(samples: readonly number[]): LatencySummary {
  const s = summarize(samples);
  const sorted = Float64Array.from(samples).sort();
  return { count: s.count, p50: s.p50, p90: percentile(sorted, 90), p95: s.p95, p99: s.p99, max: s.max, mean: s.mean };
}

/** The whole result, as written to the JSON file. */
export interface WebhookBenchResult extends Matching {
  benchmark: 'alert-event-to-webhook';
  startedAt: string;
  host: { cores: number; cpuModel: string; node: string };
  workload: {
    rules: number;
    webhookRules: number;
    websocketRules: number;
    owners: number;
    tokens: number;
    crossings: number;
    rate: number;
    drainSec: number;
  };
  /** Wall time from the first measured crossing to the last webhook (or the end of the drain). */
  seconds: number;
  /** Crossings actually sent per second. */
  achievedRate: number;
  target: { p99Ms: number; met: boolean };
  /** Where the time goes: before and after the delivery is recorded in PostgreSQL. */
  stages: StageLatencies;
  alertEngine: ProcessUsage;
  eventProcessor: ProcessUsage;
  /** 1-minute load average before and after: above the core count, other processes competed. */
  loadAverage: { before: number; after: number };
}

/** CPU and memory of one app process over the measured window. */
export interface ProcessUsage {
  cpuPercent: number;
  cpuMsPerCrossing: number;
  rssMiB: number;
  peakRssMiB: number;
}

/** The Markdown table printed on stdout. */
export function markdown(r: WebhookBenchResult): string {
  const n = (v: number, digits = 0) =>
    Number.isFinite(v)
      ? v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
      : 'n/a';
  const l = r.latencyMs;
  const rows: Array<[string, string]> = [
    [
      'rules (webhook / WebSocket-only) over tokens, owners',
      `${n(r.workload.rules)} (${n(r.workload.webhookRules)} / ${n(r.workload.websocketRules)}) over ${n(r.workload.tokens)}, ${n(r.workload.owners)}`,
    ],
    [
      'crossings sent (target rate / achieved, per s)',
      `${n(r.crossings.sent)} (${n(r.workload.rate)} / ${n(r.achievedRate, 1)})`,
    ],
    [
      'crossings published as events (refused / no event)',
      `${n(r.crossings.expected)} (${n(r.crossings.refused)} / ${n(r.crossings.noEvent)})`,
    ],
    ['webhooks received / lost', `${n(r.webhooks.received)} / ${n(r.webhooks.lost)}`],
    [
      'duplicates (same webhook-id) / extra notifications / mismatched / unmatched',
      `${n(r.webhooks.duplicates)} / ${n(r.webhooks.extraNotifications)} / ${n(r.webhooks.mismatched)} / ${n(r.webhooks.unmatched)}`,
    ],
    ['signatures verified / failed', `${n(r.webhooks.signatures.verified)} / ${n(r.webhooks.signatures.failed)}`],
    [
      '**ingest sent -> webhook received p50 / p90 / p95 / p99 / max (ms)**',
      `**${n(l.p50, 1)} / ${n(l.p90, 1)} / ${n(l.p95, 1)} / ${n(l.p99, 1)} / ${n(l.max, 1)}**`,
    ],
    [`target: p99 < ${r.target.p99Ms} ms, no webhook lost`, r.target.met ? 'met' : '**not met**'],
    ['ingest round trip p50 / p99 (ms)', `${n(r.ingestRoundTripMs.p50, 1)} / ${n(r.ingestRoundTripMs.p99, 1)}`],
    [
      'stage: ingest sent -> delivery recorded (events stream, evaluation, outbox) p50 / p99 (ms)',
      `${n(r.stages.sentToRecordedMs.p50, 1)} / ${n(r.stages.sentToRecordedMs.p99, 1)}`,
    ],
    [
      'stage: delivery recorded -> webhook received (claim, HTTP) p50 / p99 (ms)',
      `${n(r.stages.recordedToReceivedMs.p50, 1)} / ${n(r.stages.recordedToReceivedMs.p99, 1)}`,
    ],
    [
      'alert-engine CPU (% of a core) / ms per crossing',
      `${n(r.alertEngine.cpuPercent)} / ${n(r.alertEngine.cpuMsPerCrossing, 2)}`,
    ],
    ['alert-engine RSS / peak (MiB)', `${n(r.alertEngine.rssMiB)} / ${n(r.alertEngine.peakRssMiB)}`],
    [
      'event-processor CPU (% of a core) / RSS (MiB)',
      `${n(r.eventProcessor.cpuPercent)} / ${n(r.eventProcessor.rssMiB)}`,
    ],
    [
      'load average before / after (cores)',
      `${n(r.loadAverage.before, 1)} / ${n(r.loadAverage.after, 1)} (${r.host.cores})`,
    ],
  ];
  return [
    `### Alert event -> webhook request: ${n(r.workload.crossings)} crossings at ${n(r.workload.rate)}/s`,
    '',
    `${r.startedAt}, ${r.host.cores} cores (${r.host.cpuModel}), Node ${r.host.node}; event processor and alert engine as their own processes, real Redis and PostgreSQL, a local receiver answering 204 at once.`,
    '',
    '| metric | value |',
    '| --- | ---: |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
