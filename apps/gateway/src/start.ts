import { createServer } from 'node:http';
import { ApiKeyStore, Authenticator, jwtVerifierFromEnv, resolveTierLimits } from '@defi-realtime/auth';
import { openDatabase, type Database } from '@defi-realtime/db';
import { createEngine, engineOptionsFromEnv, type Engine } from '@defi-realtime/engine';
import { createLimiter } from '@defi-realtime/rate-limit';
import { createRedis } from '@defi-realtime/redis';
import {
  Closer,
  startClosing,
  Health,
  answerClientError,
  closeServer,
  createMetricsRegistry,
  describeConfig,
  listen,
  type Logger,
  type RunningApp,
} from '@defi-realtime/runtime';
import { WebSocketServer } from 'ws';
import { relayAnnouncements } from './cluster/announcements';
import { ConnectionQuotas } from './cluster/quotas';
import type { GatewayConfig } from './config';
import { startHeartbeat } from './connection/heartbeat';
import type { ConnectionHost } from './connection/connection';
import type { GatewayContext } from './context';
import { createGatewayMetrics } from './metrics';
import { ResumeStore } from './recovery/resume-store';
import { ChannelHub } from './routing/hub';
import { drain } from './server/drain';
import { createRequestHandler } from './server/http-routes';
import { rejectUpgrade } from './server/reject';
import { createUpgradeHandler } from './server/upgrade';

export interface GatewayDeps {
  logger: Logger;
  /** A shared engine (one-process mode); when absent the gateway opens and owns its own. */
  engine?: Engine;
  /** A shared database (API keys); when absent the gateway opens, migrates and owns its own. */
  db?: Database;
}

/** A started gateway: its URL, how to stop it, and its internals for tests and `npm start`. */
export interface RunningGateway extends RunningApp {
  readonly context: GatewayContext;
  readonly keys: ApiKeyStore;
}

/** Start the gateway: WebSocket endpoint `/v2/realtime` plus health, metrics and admin over HTTP. */
export async function start(config: GatewayConfig, deps: GatewayDeps): Promise<RunningGateway> {
  return startClosing(deps.logger, (closer) => startWith(config, deps, closer));
}

async function startWith(config: GatewayConfig, deps: GatewayDeps, closer: Closer): Promise<RunningGateway> {
  const { logger } = deps;
  const engine =
    deps.engine ??
    closer.add(
      'engine',
      await createEngine({
        redisUrl: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        ...engineOptionsFromEnv(config),
        heartbeatMs: config.ENGINE_HEARTBEAT_MS,
        logger,
      }),
      (e) => e.close(),
    );
  const db =
    deps.db ?? closer.add('database', await openDatabase({ url: config.DATABASE_URL, logger }), (d) => d.close());

  const tiers = resolveTierLimits(config.TIER_LIMITS, 'TIER_LIMITS');
  const keys = new ApiKeyStore(db, { tiers });
  closer.add('api key store', keys, (k) => k.flush());
  if (config.SEED_API_KEYS) {
    const seeded = await keys.seed(config.SEED_API_KEYS);
    logger.info(seeded, 'seeded API keys');
  }
  const jwt = jwtVerifierFromEnv(config, { tiers });
  const redis = config.REDIS_URL
    ? closer.add(
        'redis (limits)',
        createRedis(config.REDIS_URL, { connectionName: 'defi-realtime:gateway-limits', logger }),
        (r) => r.quit(),
      )
    : undefined;
  // Connected before the first handshake: until then the limiter counts in memory, apart from Redis.
  await redis?.ping();

  const registry = createMetricsRegistry('gateway');
  const connections: GatewayContext['connections'] = new Set();
  const metrics = createGatewayMetrics(registry, {
    connections: () => connections.size,
    subscriptions: () => {
      let n = 0;
      for (const c of connections) n += c.subscriptions.size;
      return n;
    },
    channels: () => hub.channelCount,
  });
  const hub = new ChannelHub(engine, metrics, logger);
  const ctx: GatewayContext = {
    config,
    nodeId: engine.nodeId,
    engine,
    hub,
    authenticator: new Authenticator({ apiKeys: keys, jwt }),
    ipLimiter: createLimiter({
      points: config.IP_CONNECTIONS_PER_MINUTE,
      durationMs: 60_000,
      prefix: `${config.REDIS_PREFIX}:limit:ip`,
      redis,
    }),
    quotas: new ConnectionQuotas(engine),
    resumeStore: new ResumeStore(engine, config.RECOVERY_WINDOW_MS),
    metrics,
    logger,
    audit: logger.child({ audit: true }),
    connections,
    anonymousLimits: tiers.free,
    draining: false,
  };
  engine.onNodeDown((nodeId) =>
    ctx.audit.warn({ event: 'node_down', nodeId }, 'gateway node down: its connections and quotas were released'),
  );

  const host: ConnectionHost = {
    slowConsumerBytes: config.SLOW_CONSUMER_BYTES,
    counts: metrics.counts,
    onSlowConsumer: (connection) => {
      metrics.slowConsumerCloses.inc();
      ctx.audit.warn(
        {
          event: 'slow_consumer',
          connectionId: connection.id,
          keyId: connection.principal?.id,
          remoteAddress: connection.remoteAddress,
          bufferedBytes: connection.ws.bufferedAmount,
        },
        'slow consumer closed',
      );
      connection.closeWith(
        'SLOW_CONSUMER',
        `send buffer over ${config.SLOW_CONSUMER_BYTES} bytes: read faster or subscribe to less`,
      );
    },
  };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: config.MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
  });
  const health = new Health().addCheck('engine', () => engine.nodes()).addCheck('database', () => db.query('SELECT 1'));
  const server = createServer(createRequestHandler(ctx, health, registry));
  server.on('clientError', answerClientError); // requests Node's parser refuses answer {code, message} too
  const upgrade = createUpgradeHandler(ctx, wss, host);
  server.on('upgrade', (req, socket, head) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      logger.error({ err }, 'upgrade failed');
      rejectUpgrade(socket, 'INTERNAL');
    });
  });

  closer.add('announcements', await relayAnnouncements(ctx), (stop) => stop());
  closer.add('heartbeat', startHeartbeat(ctx), (stop) => stop());
  closer.add('engine round trip sampler', sampleRoundTrip(ctx), (stop) => stop());
  const url = await listen(server, config.PORT, config.HOST);
  closer.add('http', server, closeServer);
  closer.add('connections', ctx, (c) => drain(c, config.DRAIN_TIMEOUT_MS));
  logger.info({ url, nodeId: ctx.nodeId, config: describeConfig(config) }, 'gateway listening');

  return {
    url,
    context: ctx,
    keys,
    close: async () => {
      health.setDraining();
      ctx.draining = true;
      await closer.closeAll();
    },
  };
}

/** Time one engine round trip every few seconds (for Redis, the network and Redis itself). */
function sampleRoundTrip(ctx: GatewayContext): () => void {
  const timer = setInterval(() => {
    const started = performance.now();
    ctx.engine.nodes().then(
      () => ctx.metrics.engineRoundTrip.observe(performance.now() - started),
      () => undefined,
    );
  }, 5_000);
  timer.unref();
  return () => clearInterval(timer);
}
