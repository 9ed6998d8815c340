import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '@defi-realtime/db';
import { STREAMS, runConsumer, type Queue, type QueueEntry } from '@defi-realtime/queue';
import type { Logger } from '@defi-realtime/runtime';
import { Registry } from 'prom-client';
import { BatchEvaluator, type BatchReport } from './batch';
import { createEvaluationMetrics, recordBatch } from './metrics';
import { ReferenceStore } from './references';
import { RuleIndex } from './rule-index';
import { startRuleSync, type RuleSync } from './rule-sync';
import type { RuleStateStore } from './state-store';

/** The consumer group every evaluation worker joins: workers share the events between them. */
export const EVALUATION_GROUP = 'alert-engine';

export interface EvaluationDeps {
  db: Database;
  /** The queue the events stream and the outbox live on. */
  queue: Queue;
  states: RuleStateStore;
  logger: Logger;
  /** Where the metrics go (the app's /metrics registry). @default a registry of its own */
  registry?: Registry;
}

export interface EvaluationOptions {
  /** The events stream to consume (EVENTS_STREAM: the stream the event processor appends to). @default 'events' */
  stream?: string;
  /** Events per batch (per read and per claim). @default 500 */
  batchSize?: number;
  /** Longest wait for new events in one read (ms). @default 2000 */
  blockMs?: number;
  /** Events pending this long on any consumer are taken over: it crashed (ms). @default 30000 */
  claimIdleMs?: number;
  /** How often to look for such events (ms). @default 5000 */
  claimEveryMs?: number;
  /** Deliveries after which an event is logged and dropped. @default 5 */
  maxDeliveries?: number;
  /** Full rules reload period, a safety net for lost notifications (ms; 0: never). @default 60000 */
  rulesReloadMs?: number;
  /** This worker's name in the group. @default `<host>-<pid>-<random>` */
  consumer?: string;
  /**
   * Where a new group starts reading: `end` skips the events already in the stream (a first
   * deployment must not notify about old crossings). An existing group keeps its position.
   * @default 'end'
   */
  from?: 'start' | 'end';
  /** Test/ops knob: pause this long in every batch (ms). @default 0 */
  batchDelayMs?: number;
  /** Where the pause is: before evaluating, or after committing and before the ack. @default 'commit' */
  batchDelayAt?: 'read' | 'commit';
  /** Called after every batch (the benchmark's probe). @default undefined */
  onBatch?: (report: BatchReport, seconds: number) => void;
}

/** The defaults of EvaluationOptions, in one place: the environment's defaults are these too. */
export const EVALUATION_DEFAULTS = Object.freeze({
  stream: STREAMS.events,
  // Larger than a consumer's usual 100: one batch loads the rules' states once for all its events.
  batchSize: 500,
  blockMs: 2_000,
  claimIdleMs: 30_000,
  claimEveryMs: 5_000,
  maxDeliveries: 5,
  rulesReloadMs: 60_000,
  from: 'end' as 'start' | 'end',
  batchDelayMs: 0,
  batchDelayAt: 'commit' as 'read' | 'commit',
});

/** A running evaluation worker. */
export interface Evaluation {
  /** The rules being evaluated (kept current from PostgreSQL). */
  readonly index: RuleIndex;
  readonly rules: RuleSync;
  readonly references: ReferenceStore;
  /** This worker's consumer name. */
  readonly consumer: string;
  /** Stop reading, finish and acknowledge the batch in hand, stop following rule changes. */
  stop(): Promise<void>;
}

/**
 * Start evaluating alert rules on the events stream: a consumer in group `alert-engine`
 * (at-least-once; a crashed worker's events are claimed by another), rules loaded and kept
 * current, every batch evaluated and committed before it is acknowledged.
 */
export async function startEvaluation(deps: EvaluationDeps, options: EvaluationOptions = {}): Promise<Evaluation> {
  const { db, queue, states, logger } = deps;
  const o = { ...EVALUATION_DEFAULTS, ...withoutUndefined(options) };
  const consumer = o.consumer ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const { stream, batchDelayMs: delayMs, batchDelayAt: delayAt } = o;
  if (!(Number.isSafeInteger(delayMs) && delayMs >= 0)) {
    throw new TypeError(`Invalid batchDelayMs option ${String(options.batchDelayMs)}: expected milliseconds >= 0`);
  }
  const metrics = createEvaluationMetrics(deps.registry ?? new Registry(), () =>
    queue.pendingCount(stream, EVALUATION_GROUP),
  );

  const index = new RuleIndex();
  const rules = await startRuleSync(db, index, {
    reloadMs: o.rulesReloadMs,
    logger,
    onDeleted: (ids) => states.delete(ids),
  });
  const references = new ReferenceStore(db);
  const evaluator = new BatchEvaluator({ index, references, states });
  // Before resolving, so events appended once startEvaluation resolves are never skipped by a new group.
  const { from } = o;
  try {
    await queue.ensureGroup(stream, EVALUATION_GROUP, from);
  } catch (err) {
    await rules.stop();
    throw err;
  }

  const handle = async (entries: QueueEntry[]): Promise<void> => {
    if (delayAt === 'read' && delayMs > 0) await sleep(delayMs);
    const started = performance.now();
    const report = await evaluator.run(entries);
    const seconds = (performance.now() - started) / 1000;
    recordBatch(metrics, report, seconds);
    o.onBatch?.(report, seconds);
    if (report.events.malformed + report.events.unknown_type > 0) {
      logger.warn(
        { consumer, malformed: report.events.malformed, unknownType: report.events.unknown_type },
        'events skipped: not a valid price or TVL event',
      );
    }
    if (delayAt === 'commit' && delayMs > 0) await sleep(delayMs);
  };

  const running = runConsumer({
    queue,
    stream,
    group: EVALUATION_GROUP,
    consumer,
    handle,
    batchSize: o.batchSize,
    blockMs: o.blockMs,
    claimIdleMs: o.claimIdleMs,
    claimEveryMs: o.claimEveryMs,
    maxDeliveries: o.maxDeliveries,
    from,
    async onDeadLetter(entries) {
      metrics.events.inc({ outcome: 'dead_letter' }, entries.length);
      for (const e of entries) {
        logger.error(
          { consumer, id: e.id, deliveries: e.deliveries, payload: e.payload.slice(0, 500) },
          'event dropped after repeated evaluation failures',
        );
      }
    },
    logger,
  });
  logger.info(
    { consumer, stream, group: EVALUATION_GROUP, rules: index.size, batchSize: o.batchSize },
    'alert evaluation started',
  );

  let stopping: Promise<void> | undefined;
  return {
    index,
    rules,
    references,
    consumer,
    stop() {
      stopping ??= (async () => {
        await running.stop();
        await rules.stop();
        logger.info({ consumer }, 'alert evaluation stopped');
      })();
      return stopping;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
