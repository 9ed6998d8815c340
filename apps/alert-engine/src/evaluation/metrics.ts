import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BatchReport } from './batch';

/** The evaluation's Prometheus metrics, registered on the app's registry. */
export function createEvaluationMetrics(registry: Registry, pending: () => Promise<number>) {
  return {
    events: new Counter({
      name: 'alert_events_evaluated_total',
      help: 'Events read from the events stream, by outcome (evaluated, no_rules, malformed, unknown_type, ignored_type, dead_letter)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    ruleEvaluations: new Counter({
      name: 'alert_rule_evaluations_total',
      help: 'Rule evaluations (one rule against one observation)',
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'alert_notifications_total',
      help: 'Notifications appended to the outbox, by rule type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    conflicts: new Counter({
      name: 'alert_state_conflicts_total',
      help: 'Rule transitions another worker committed first (evaluated again)',
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'alert_eval_batch_seconds',
      help: 'Time to evaluate and commit one batch of events',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    pending: new Gauge({
      name: 'alert_events_pending',
      help: 'Events read by the alert-engine group and not acknowledged yet',
      registers: [registry],
      async collect() {
        this.set(await pending());
      },
    }),
  };
}

export type EvaluationMetrics = ReturnType<typeof createEvaluationMetrics>;

/** Add one batch's report to the metrics. */
export function recordBatch(metrics: EvaluationMetrics, report: BatchReport, seconds: number): void {
  for (const [outcome, count] of Object.entries(report.events)) if (count > 0) metrics.events.inc({ outcome }, count);
  if (report.ruleEvaluations > 0) metrics.ruleEvaluations.inc(report.ruleEvaluations);
  for (const [type, count] of Object.entries(report.notifications)) metrics.notifications.inc({ type }, count);
  if (report.conflicts > 0) metrics.conflicts.inc(report.conflicts);
  metrics.batchSeconds.observe(seconds);
}
