import { ChainSchema, IngestPriceSchema, IngestTvlSchema, ProtocolIdSchema } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import { z } from 'zod';
import type { ObservationRecord } from '../pipeline/records';

export interface PollerOptions {
  /** DefiLlama's TVL API (serves `/protocols`). @default https://api.llama.fi */
  apiUrl: string;
  /** DefiLlama's coins API (serves `/prices/current/{coins}`). @default https://coins.llama.fi */
  coinsUrl: string;
  /** Coin ids to poll prices for (`coingecko:ethereum`, `ethereum:0x...`). */
  coins: string[];
  /** Time between polls. @default 60_000 */
  intervalMs: number;
  /** Give up on one request after this long. @default 15_000 */
  timeoutMs?: number;
}

// The parts of DefiLlama's responses we read; everything else is ignored.
const ProtocolsResponse = z.array(
  z.looseObject({
    slug: z.string(),
    name: z.string(),
    tvl: z.number().nullable().optional(),
    chainTvls: z.record(z.string(), z.number()).optional(),
  }),
);
const PricesResponse = z.object({
  coins: z.record(
    z.string(),
    z.looseObject({ price: z.number(), symbol: z.string().optional(), timestamp: z.number(), confidence: z.number().optional(), decimals: z.number().optional() }),
  ),
});

/** DefiLlama spells chains as display names in `chainTvls`; our keys are its lower-case chain ids. */
const CHAIN_NAMES: Record<string, string> = { avalanche: 'avax', binance: 'bsc', 'op mainnet': 'optimism', 'zksync era': 'era', 'polygon zkevm': 'polygon_zkevm', xdai: 'xdai', gnosis: 'xdai' };
/** `chainTvls` also holds breakdowns that are not chains (borrowed, staking, pool2, ...). */
const NOT_A_CHAIN = /(^|-)(borrowed|staking|pool2|vesting|offers|treasury|doublecounted|liquidstaking|dcandlsoverlap)$/i;

/**
 * Polls DefiLlama's public API in its own response shapes: `/protocols` for TVL (total
 * and per chain) and `/prices/current/{coins}` for prices, and hands the observations to
 * the pipeline (which publishes only the changes). A failed poll is logged and retried
 * at the next interval.
 */
export class DefiLlamaPoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: PollerOptions,
    private readonly emit: (records: ObservationRecord[]) => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer) return;
    const poll = () => {
      this.running = this.running.then(() => this.pollOnce().catch((err: unknown) => this.logger.warn({ err }, 'DefiLlama poll failed')));
    };
    poll();
    this.timer = setInterval(poll, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One poll of both endpoints; resolves with how many records each produced. */
  async pollOnce(now = Date.now()): Promise<{ tvl: number; prices: number }> {
    const [tvl, prices] = await Promise.all([this.protocols(now), this.prices()]);
    await this.emit([...tvl, ...prices]);
    return { tvl: tvl.length, prices: prices.length };
  }

  private async protocols(now: number): Promise<ObservationRecord[]> {
    const body = ProtocolsResponse.parse(await this.get(`${this.options.apiUrl}/protocols`));
    const records: ObservationRecord[] = [];
    for (const protocol of body) {
      if (!ProtocolIdSchema.safeParse(protocol.slug).success) continue;
      const base = { kind: 'tvl' as const, origin: 'poller' as const, protocolId: protocol.slug, name: protocol.name, timestamp: now };
      if (typeof protocol.tvl === 'number') push(records, IngestTvlSchema, { ...base, tvl: protocol.tvl });
      for (const [name, tvl] of Object.entries(protocol.chainTvls ?? {})) {
        const chain = chainKey(name);
        if (chain) push(records, IngestTvlSchema, { ...base, chain, tvl });
      }
    }
    return records;
  }

  private async prices(): Promise<ObservationRecord[]> {
    if (this.options.coins.length === 0) return [];
    const body = PricesResponse.parse(await this.get(`${this.options.coinsUrl}/prices/current/${this.options.coins.join(',')}`));
    const records: ObservationRecord[] = [];
    for (const [tokenId, coin] of Object.entries(body.coins)) {
      push(records, IngestPriceSchema, {
        kind: 'price',
        origin: 'poller',
        tokenId,
        price: coin.price,
        timestamp: coin.timestamp, // seconds: the schema converts
        ...(coin.symbol ? { symbol: coin.symbol } : {}),
        ...(coin.confidence !== undefined ? { confidence: coin.confidence } : {}),
        ...(coin.decimals !== undefined ? { decimals: coin.decimals } : {}),
      });
    }
    return records;
  }

  private async get(url: string): Promise<unknown> {
    const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return res.json();
  }
}

/** Validate one record with the ingest schema (the same rules as HTTP ingest) and keep it if valid. */
function push(records: ObservationRecord[], schema: typeof IngestPriceSchema | typeof IngestTvlSchema, record: Record<string, unknown> & { kind: 'price' | 'tvl'; origin: 'poller' }): void {
  const { kind, origin, ...fields } = record;
  const parsed = schema.safeParse(fields);
  if (parsed.success) records.push({ ...parsed.data, kind, origin } as ObservationRecord);
}

function chainKey(name: string): string | undefined {
  if (NOT_A_CHAIN.test(name)) return undefined;
  const lower = name.toLowerCase();
  const key = CHAIN_NAMES[lower] ?? lower.replace(/\s+/g, '_');
  return ChainSchema.safeParse(key).success ? key : undefined;
}
