import type { Database } from '@defi-realtime/db';
import type { Crossing } from './webhook-crossings';
import type { WebhookArrival } from './webhook-receiver';
import { latencySummary, type LatencySummary } from './webhook-report';

/**
 * The latency split at the moment the alert engine recorded the delivery in PostgreSQL
 * (`alert_deliveries.created_at`: the start of the outbox consumer's transaction):
 * before it, ingest + the events stream + evaluation + the outbox stream; after it, the
 * dispatcher's claim and the HTTP request. Same machine, so PostgreSQL's clock and ours
 * are the same clock.
 */
export interface StageLatencies {
  /** Ingest request sent -> delivery recorded. */
  sentToRecordedMs: LatencySummary;
  /** Delivery recorded -> webhook request received. */
  recordedToReceivedMs: LatencySummary;
}

/** Split the first webhook of each crossing at its delivery row's created_at. */
export async function stageLatencies(
  db: Database,
  crossings: readonly Crossing[],
  arrivals: readonly WebhookArrival[],
): Promise<StageLatencies> {
  const byTimestamp = new Map(crossings.map((c) => [c.timestamp, c]));
  const first = new Map<Crossing, WebhookArrival>();
  for (const arrival of arrivals) {
    const crossing = byTimestamp.get(arrival.timestamp);
    if (crossing && !first.has(crossing)) first.set(crossing, arrival);
  }
  const ids = [...first.values()].map((a) => a.webhookId).filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const { rows } = await db.query<{ id: string; recorded: number }>(
    'SELECT id::text AS id, extract(epoch FROM created_at) * 1000 AS recorded FROM alert_deliveries WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const recorded = new Map(rows.map((r) => [r.id, Number(r.recorded)]));
  const before: number[] = [];
  const after: number[] = [];
  for (const [crossing, arrival] of first) {
    const at = recorded.get(arrival.webhookId);
    if (at === undefined) continue;
    before.push(at - (performance.timeOrigin + crossing.sentAt));
    after.push(performance.timeOrigin + arrival.at - at);
  }
  return { sentToRecordedMs: latencySummary(before), recordedToReceivedMs: latencySummary(after) };
}
