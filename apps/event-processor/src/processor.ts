import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import { Pipeline, type Outcome } from './pipeline/pipeline';
import type { ObservationRecord } from './pipeline/records';
import type { PointWriter } from './storage/point-writer';

/** PostgreSQL is behind by more than the buffer holds: refuse rather than lose. */
export class BacklogFullError extends Error {
  override readonly name = 'BacklogFullError';
}

/**
 * Every source (HTTP ingest, PostgreSQL NOTIFY, poller, simulator) hands its records
 * here: the pipeline publishes the changes, the writer stores the observations.
 */
export class Processor {
  private readonly outcomes: Counter<'outcome' | 'origin'>;
  private readonly publishMs: Histogram;

  constructor(
    readonly pipeline: Pipeline,
    readonly writer: PointWriter,
    registry: Registry,
  ) {
    this.outcomes = new Counter({
      name: 'processor_records_total',
      help: 'Records processed, by outcome and origin',
      labelNames: ['outcome', 'origin'],
      registers: [registry],
    });
    this.publishMs = new Histogram({
      name: 'processor_batch_ms',
      help: 'Time to process and publish one batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 250, 1000],
      registers: [registry],
    });
    new Gauge({
      name: 'processor_write_backlog',
      help: 'Points waiting to be written to PostgreSQL',
      registers: [registry],
      collect() {
        this.set(writer.backlog);
      },
    });
    new Gauge({
      name: 'processor_cached_keys',
      help: 'Tokens and protocols in the hot cache',
      registers: [registry],
      collect() {
        this.set(pipeline.cache.size);
      },
    });
  }

  /** Process records in order; resolves with each one's outcome. */
  async process(records: ObservationRecord[]): Promise<Outcome[]> {
    if (!this.writer.hasRoom(records.length)) {
      throw new BacklogFullError(`${this.writer.backlog} points are waiting for PostgreSQL; retry later`);
    }
    const started = performance.now();
    const outcomes = await this.pipeline.process(records);
    this.publishMs.observe(performance.now() - started);
    const toStore: ObservationRecord[] = [];
    // Counted per batch: one labelled inc() per record would be the costliest line here.
    const counts = new Map<string, { outcome: Outcome; origin: string; n: number }>();
    records.forEach((record, i) => {
      const outcome = outcomes[i]!;
      const key = `${outcome}|${record.origin}`;
      const count = counts.get(key);
      if (count) count.n += 1;
      else counts.set(key, { outcome, origin: record.origin, n: 1 });
      // Rows that came from PostgreSQL are there already; duplicates were stored the first time.
      if (outcome !== 'duplicate' && record.origin !== 'postgres') toStore.push(record);
    });
    for (const { outcome, origin, n } of counts.values()) this.outcomes.inc({ outcome, origin }, n);
    this.writer.add(toStore);
    return outcomes;
  }
}
