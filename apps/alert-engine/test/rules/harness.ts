import { ApiKeyStore, Authenticator, type TierName } from '@defi-realtime/auth';
import type { Database, DatabaseKind } from '@defi-realtime/db';
import { createTestDatabase } from '@defi-realtime/db/testing';
import { createQueue, STREAMS, type Queue } from '@defi-realtime/queue';
import { Health, createApiApp, createLogger, type ApiApp } from '@defi-realtime/runtime';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { registerAuth } from '../../src/http/auth';
import { ruleRoutes } from '../../src/rules';

/** The rules API on a real database, with real API keys, ready for `inject`. */
export interface RulesApi {
  app: ApiApp;
  db: Database;
  queue: Queue;
  /** A new API key (and its owner) on `tier`. */
  key(tier: TierName, owner?: string): Promise<{ key: string; owner: string; id: string }>;
  /** `inject` with `x-api-key: key` (no header when key is undefined). */
  call(key: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Every outbox entry appended since the last call (read through a consumer group of its own). */
  readOutbox(): Promise<string[]>;
  cleanup(): Promise<void>;
}

let ownerSeq = 0;

/** Start the API on `kind` (PGlite or a fresh PostgreSQL schema) and a queue (memory unless given). */
export async function startRulesApi(kind: DatabaseKind, queueInput?: Queue): Promise<RulesApi> {
  const database = await createTestDatabase(kind);
  const { db } = database;
  const queue = queueInput ?? (await createQueue());
  const keys = new ApiKeyStore(db, { cacheTtlMs: 0 });
  const logger = createLogger('rules-test', 'silent');
  const app = await createApiApp({ logger, health: new Health(), openapi: { title: 'alert engine', version: 'test' } });
  registerAuth(app, { authenticator: new Authenticator({ apiKeys: keys }) });
  await app.register(ruleRoutes, { db, queue, logger });
  await app.ready();
  await queue.ensureGroup(STREAMS.outbox, 'rules-test', 'end');
  return {
    app,
    db,
    queue,
    async key(tier, owner = `owner-${process.pid}-${++ownerSeq}`) {
      const { key, record } = await keys.create({ tier, name: `${owner} key`, owner });
      return { key, owner, id: record.id };
    },
    call(key, options) {
      const headers = { ...(options.headers ?? {}), ...(key === undefined ? {} : { 'x-api-key': key }) };
      return app.inject({ ...options, headers });
    },
    async readOutbox() {
      const entries = await queue.read(STREAMS.outbox, 'rules-test', 'reader', { count: 1000 });
      await queue.ack(
        STREAMS.outbox,
        'rules-test',
        entries.map((entry) => entry.id),
      );
      return entries.map((entry) => entry.payload);
    },
    async cleanup() {
      await app.close();
      if (queueInput === undefined) await queue.close();
      await database.cleanup();
    },
  };
}

/** A minimal valid rule of each type. */
export const MINIMAL_RULES = {
  price_above: { type: 'price_above', target: { tokenId: 'coingecko:ethereum' }, threshold: 4000 },
  price_below: {
    type: 'price_below',
    target: { tokenId: 'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', chain: 'ethereum' },
    threshold: 0.99,
  },
  price_change_pct: { type: 'price_change_pct', target: { tokenId: 'coingecko:bitcoin' }, threshold: -5, window: '1h' },
  tvl_above: { type: 'tvl_above', target: { protocolId: 'aave-v3' }, threshold: 20_000_000_000 },
  tvl_below: { type: 'tvl_below', target: { protocolId: 'uniswap-v3', chain: 'arbitrum' }, threshold: 1_000_000_000 },
  tvl_change_pct: { type: 'tvl_change_pct', target: { protocolId: 'lido' }, threshold: 10, window: '24h' },
} as const;

export const WEBSOCKET = [{ type: 'websocket' }] as const;
