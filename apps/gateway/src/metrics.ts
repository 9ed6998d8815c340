import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Per-recipient counts are plain numbers read at
 * scrape time (a prom-client `inc()` per socket write would cost more than the write).
 */
export function createGatewayMetrics(
  registry: Registry,
  live: { connections(): number; subscriptions(): number; channels(): number },
) {
  const counts = { framesOut: 0, bytesOut: 0 };
  const metrics = {
    counts,
    connections: new Gauge({
      name: 'gateway_connections',
      help: 'Open WebSocket connections',
      registers: [registry],
      collect() {
        this.set(live.connections());
      },
    }),
    subscriptions: new Gauge({
      name: 'gateway_subscriptions',
      help: 'Channel subscriptions over all connections',
      registers: [registry],
      collect() {
        this.set(live.subscriptions());
      },
    }),
    engineChannels: new Gauge({
      name: 'gateway_engine_channels',
      help: 'Engine channels this node is subscribed to',
      registers: [registry],
      collect() {
        this.set(live.channels());
      },
    }),
    messagesIn: new Counter({
      name: 'gateway_messages_in_total',
      help: 'Client messages received',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    messagesOut: new Counter({
      name: 'gateway_messages_out_total',
      help: 'Data frames written to sockets',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(counts.framesOut);
      },
    }),
    deliveryLatency: new Histogram({
      name: 'gateway_delivery_latency_ms',
      help: 'Event timestamp to fan-out on this node, in milliseconds',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
      registers: [registry],
    }),
    invalidEvents: new Counter({
      name: 'gateway_invalid_events_total',
      help: 'Engine events dropped as invalid',
      registers: [registry],
    }),
    connectionsOpened: new Counter({
      name: 'gateway_connections_opened_total',
      help: 'Connections accepted',
      registers: [registry],
    }),
    connectionsClosed: new Counter({
      name: 'gateway_connections_closed_total',
      help: 'Connections closed, by close code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    handshakeRejections: new Counter({
      name: 'gateway_handshake_rejections_total',
      help: 'Upgrades refused, by error code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    slowConsumerCloses: new Counter({
      name: 'gateway_slow_consumer_closes_total',
      help: 'Connections closed for a full send buffer',
      registers: [registry],
    }),
    rateLimitHits: new Counter({
      name: 'gateway_rate_limit_hits_total',
      help: 'Rate limits hit, by limit',
      labelNames: ['limit'] as const,
      registers: [registry],
    }),
    engineRoundTrip: new Histogram({
      name: 'gateway_engine_round_trip_ms',
      help: 'Engine (Redis) round trip, sampled every few seconds',
      buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 500],
      registers: [registry],
    }),
  };
  return metrics;
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
