/*
 * The events stream joins two apps: the event processor appends every event to it, the
 * alert engine's evaluation consumes it. Both read its name from EVENTS_STREAM through one
 * shared field (libs/queue), so they cannot disagree: checked on their loaded configs, and
 * end to end on a stream that is not the default.
 */
import { ApiKeyStore } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { createEngine, type Engine } from '@defi-realtime/engine';
import * as alertEngine from '@defi-realtime/alert-engine';
import * as eventProcessor from '@defi-realtime/event-processor';
import { userAlertsChannel } from '@defi-realtime/protocol';
import { EVENTS_STREAM_OFF, createQueue, streamNames, type Queue } from '@defi-realtime/queue';
import { ConfigError, createLogger, type RunningApp } from '@defi-realtime/runtime';
import { eventually } from '@defi-realtime/runtime/testing';

const logger = createLogger('events-stream', 'silent');
const TOKEN = 'events-stream-test-token-0123';

/** The stream each app resolves from the same environment (undefined: no feed / no evaluation). */
function resolvedStreams(env: NodeJS.ProcessEnv): { processor: string | undefined; alerts: string | undefined } {
  const alerts = alertEngine.loadConfig(env);
  return {
    processor: streamNames(eventProcessor.loadConfig(env)).events,
    alerts: alerts.ALERT_EVAL_ENABLED
      ? (alertEngine.evaluationOptionsFromEnv(alerts).stream ?? alertEngine.EVALUATION_DEFAULTS.stream)
      : undefined,
  };
}

describe('the events stream', () => {
  it.each([undefined, '', 'events', 'market-events', 'prod:events.v2'])(
    'EVENTS_STREAM=%j: both apps resolve the same stream',
    (value) => {
      const streams = resolvedStreams({ EVENTS_STREAM: value });
      expect(streams.processor).toBeDefined();
      expect(streams.alerts).toBe(streams.processor);
    },
  );

  it('EVENTS_STREAM=off: no feed, and the alert engine refuses to evaluate without it (exit code 2)', () => {
    expect(() => alertEngine.loadConfig({ EVENTS_STREAM: EVENTS_STREAM_OFF })).toThrow(
      expect.objectContaining({ name: 'ConfigError', variables: ['EVENTS_STREAM'] }),
    );
    expect(() => alertEngine.loadConfig({ EVENTS_STREAM: EVENTS_STREAM_OFF })).toThrow(ConfigError);
    expect(resolvedStreams({ EVENTS_STREAM: EVENTS_STREAM_OFF, ALERT_EVAL_ENABLED: 'false' })).toEqual({
      processor: undefined,
      alerts: undefined,
    });
  });

  describe('end to end on a stream that is not the default', () => {
    const env = { EVENTS_STREAM: 'market-feed', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
    let t: TestDatabase;
    let engine: Engine;
    let queue: Queue;
    const running: RunningApp[] = [];

    beforeAll(async () => {
      t = await createTestDatabase('postgres');
      engine = await createEngine({});
      queue = await createQueue();
    }, 60_000);
    afterAll(async () => {
      for (const app of running.splice(0).reverse()) await app.close();
      await queue?.close();
      await engine?.close();
      await t?.cleanup();
    });

    it('an ingested price crossing reaches the rule owner as an alert', async () => {
      const shared = { logger, db: t.db, engine, queue };
      const owner = `owner-${Date.now()}`;
      const key = await new ApiKeyStore(t.db).create({ name: 'stream-test', tier: 'pro', owner });

      // The rule exists before evaluation starts: its first load has it, no wait for a change notification.
      const api = await alertEngine.start(alertEngine.loadConfig({ ...env, ALERT_EVAL_ENABLED: 'false' }), shared);
      const created = await fetch(`${api.url}/v2/alerts`, {
        method: 'POST',
        headers: { 'x-api-key': key.key, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'price_above',
          target: { tokenId: 'coingecko:ethereum' },
          threshold: 3050,
          channels: [{ type: 'websocket' }],
        }),
      });
      expect(created.status).toBe(201);
      await api.close();

      running.push(await alertEngine.start(alertEngine.loadConfig({ ...env, ALERT_EVAL_BLOCK_MS: '50' }), shared));
      const processor = await eventProcessor.start(
        eventProcessor.loadConfig({ ...env, INGEST_TOKEN: TOKEN, POSTGRES_CHANGES: 'false' }),
        shared,
      );
      running.push(processor);
      const alerts: string[] = [];
      await engine.subscribe(userAlertsChannel(owner), (event) => alerts.push(event.payload));

      const now = Date.now();
      for (const [price, timestamp] of [
        [3000, now],
        [3100, now + 1_000],
      ]) {
        const res = await fetch(`${processor.url}/v1/ingest`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ prices: [{ tokenId: 'coingecko:ethereum', symbol: 'ETH', price, timestamp }] }),
        });
        expect(res.status).toBe(200);
      }
      await eventually(() => expect(alerts).toHaveLength(1), 15_000);
      expect(JSON.parse(alerts[0]!)).toMatchObject({ type: 'alert', data: { value: 3100, threshold: 3050 } });
      expect(await queue.length('market-feed')).toBeGreaterThan(0);
      expect(await queue.length('events')).toBe(0);
    }, 60_000);
  });
});
