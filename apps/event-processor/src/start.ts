import { openDatabase, type Database } from '@defi-realtime/db';
import { createEngine, engineOptionsFromEnv, type Engine } from '@defi-realtime/engine';
import { createQueue, streamNames, type Queue } from '@defi-realtime/queue';
import {
  Closer,
  startClosing,
  Health,
  createHttpApp,
  createMetricsRegistry,
  describeConfig,
  listenHttpApp,
  runningApp,
  type Logger,
  type RunningApp,
} from '@defi-realtime/runtime';
import type { Registry } from 'prom-client';
import type { EventProcessorConfig } from './config';
import { MAX_INGEST_BYTES, registerIngestRoute } from './ingest/ingest-route';
import { EventFeed } from './pipeline/event-feed';
import { Pipeline } from './pipeline/pipeline';
import { Processor } from './processor';
import { DefiLlamaPoller } from './sources/defillama-poller';
import { listenForPointChanges } from './sources/postgres-changes';
import { Simulator } from './sources/simulator';
import { ReferenceWriter } from './storage/reference-writer';
import { PointWriter } from './storage/point-writer';

export interface EventProcessorDeps {
  logger: Logger;
  /** A shared database (one-process mode); when absent the app opens, migrates and owns its own. */
  db?: Database;
  /** A shared engine (one-process mode); when absent the app opens and owns its own. */
  engine?: Engine;
  /**
   * A shared queue for the events feed (one-process mode: the alert engine reads the same
   * in-memory stream); when absent the app opens and owns one on REDIS_URL.
   */
  queue?: Queue;
}

export interface RunningEventProcessor extends RunningApp {
  readonly processor: Processor;
}

/** Start the event processor: HTTP ingest, the simulator when asked, and the point writer. */
export async function start(config: EventProcessorConfig, deps: EventProcessorDeps): Promise<RunningEventProcessor> {
  return startClosing(deps.logger, (closer) => startWith(config, deps, closer));
}

async function startWith(
  config: EventProcessorConfig,
  deps: EventProcessorDeps,
  closer: Closer,
): Promise<RunningEventProcessor> {
  const { logger } = deps;
  const db =
    deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());
  const engine =
    deps.engine ??
    closer.add(
      'engine',
      await createEngine({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        ...engineOptionsFromEnv(config),
        logger,
      }),
      (e) => e.close(),
    );

  const registry = createMetricsRegistry('event-processor');
  const thresholds = {
    pricePct: config.PRICE_CHANGE_PCT,
    tvlPct: config.TVL_CHANGE_PCT,
    tvlUsd: config.TVL_CHANGE_USD,
  };
  const writer = closer.add(
    'point writer',
    new PointWriter(db, { logger, maxBuffered: config.WRITE_BUFFER_MAX }),
    (w) => w.close(),
  );
  const feed = await openEventFeed(config, deps, closer, registry);
  const processor = new Processor(new Pipeline(engine, thresholds, 'event-processor', feed), writer, registry);

  if (config.POSTGRES_CHANGES) {
    closer.add(
      'postgres changes',
      await listenForPointChanges(db, (records) => processor.process(records), logger),
      (stop) => stop(),
    );
  }
  // Token and protocol metadata (names, symbols, categories, chains) for the query API.
  const reference = new ReferenceWriter(db);
  if (config.DEFILLAMA_POLL) {
    const poller = new DefiLlamaPoller(
      {
        apiUrl: config.DEFILLAMA_API_URL,
        coinsUrl: config.DEFILLAMA_COINS_URL,
        coins: config.DEFILLAMA_COINS,
        intervalMs: config.DEFILLAMA_POLL_MS,
        reference,
      },
      (records) => processor.process(records),
      logger,
    );
    poller.start();
    closer.add('defillama poller', poller, (p) => p.stop());
  }
  if (config.SIMULATOR) {
    const simulator = new Simulator((records) => processor.process(records), logger, {
      intervalMs: config.SIMULATOR_INTERVAL_MS,
      speed: config.SIMULATOR_SPEED,
      reference,
      backfillHours: config.SIMULATOR_BACKFILL_HOURS,
      store: (records) => writer.add(records),
    });
    simulator.start();
    closer.add('simulator', simulator, (s) => s.stop());
  }

  const health = new Health().addCheck('database', () => db.query('SELECT 1')).addCheck('engine', () => engine.nodes());
  const app = createHttpApp({ logger, health, metrics: registry, bodyLimit: MAX_INGEST_BYTES });
  registerIngestRoute(app, processor, config.INGEST_TOKEN);
  const url = await listenHttpApp(app, config.PORT, config.HOST);
  closer.add('http', app, (a) => a.close());
  logger.info({ url, config: describeConfig(config) }, 'event-processor listening');
  return { ...runningApp(url, health, closer), processor };
}

/**
 * The events feed, or none: off by EVENTS_STREAM=off, and off without REDIS_URL unless a
 * queue is shared, because an in-memory stream that no other part of this process reads
 * would only fill memory up to EVENTS_STREAM_MAXLEN.
 */
async function openEventFeed(
  config: EventProcessorConfig,
  deps: EventProcessorDeps,
  closer: Closer,
  registry: Registry,
): Promise<EventFeed | undefined> {
  const stream = streamNames(config).events;
  if (stream === undefined) return undefined;
  let queue = deps.queue;
  if (!queue && config.REDIS_URL) {
    const owned = await createQueue({
      redisUrl: config.REDIS_URL,
      prefix: config.REDIS_PREFIX,
      maxLen: config.EVENTS_STREAM_MAXLEN,
      logger: deps.logger,
    });
    queue = closer.add('queue', owned, (q) => q.close());
  }
  if (!queue) {
    deps.logger.info({ stream }, 'events feed off: no REDIS_URL and no shared queue, so nothing could read the stream');
    return undefined;
  }
  return new EventFeed(queue, stream, config.EVENTS_STREAM_MAXLEN, registry);
}
