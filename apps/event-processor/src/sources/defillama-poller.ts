import { ChainSchema, ProtocolIdSchema, parseTokenId } from '@defi-realtime/protocol';
import type { Logger } from '@defi-realtime/runtime';
import { z } from 'zod';
import { toRecord, type ObservationRecord } from '../pipeline/records';
import type { ProtocolReference, ReferenceWriter, TokenReference } from '../storage/reference-writer';

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
  /**
   * Where each poll's protocol listings (name, symbol, category, chains, url, logo...) and
   * token metadata (symbol, decimals) are stored. @default undefined (not stored)
   */
  reference?: ReferenceWriter;
}

/** A metadata field: DefiLlama leaves many null or absent; an odd value is dropped, not fatal. */
const optionalText = z.string().min(1).nullish().catch(undefined);

// The parts of DefiLlama's responses we read; everything else is ignored.
const ProtocolsResponse = z.array(
  z.looseObject({
    slug: z.string(),
    name: z.string(),
    tvl: z.number().nullable().optional(),
    chainTvls: z.record(z.string(), z.number()).optional(),
    id: optionalText,
    symbol: optionalText,
    category: optionalText,
    chains: z.array(z.string()).nullish().catch(undefined),
    url: optionalText,
    logo: optionalText,
    gecko_id: optionalText,
    cmcId: optionalText,
    twitter: optionalText,
    description: optionalText,
    listedAt: z.number().positive().nullish().catch(undefined),
  }),
);
type ProtocolEntry = z.output<typeof ProtocolsResponse>[number];
const PricesResponse = z.object({
  coins: z.record(
    z.string(),
    z.looseObject({
      price: z.number(),
      symbol: z.string().optional(),
      timestamp: z.number(),
      confidence: z.number().optional(),
      decimals: z.number().optional(),
    }),
  ),
});

/** DefiLlama spells chains as display names in `chainTvls`; our keys are its lower-case chain ids. */
const CHAIN_NAMES: Record<string, string> = {
  avalanche: 'avax',
  binance: 'bsc',
  'op mainnet': 'optimism',
  'zksync era': 'era',
  'polygon zkevm': 'polygon_zkevm',
  xdai: 'xdai',
  gnosis: 'xdai',
};
/** `chainTvls` also holds breakdowns that are not chains (borrowed, staking, pool2, ...). */
const NOT_A_CHAIN =
  /(^|-)(borrowed|staking|pool2|vesting|offers|treasury|doublecounted|liquidstaking|dcandlsoverlap)$/i;

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
      this.running = this.running.then(() =>
        this.pollOnce().catch((err: unknown) => this.logger.warn({ err }, 'DefiLlama poll failed')),
      );
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
    // Metadata before points, so a protocol is named by the time its TVL is queried.
    await this.storeReference(tvl.references, prices.tokens);
    await this.emit([...tvl.records, ...prices.records]);
    return { tvl: tvl.records.length, prices: prices.records.length };
  }

  private async storeReference(protocols: ProtocolReference[], tokens: TokenReference[]): Promise<void> {
    const reference = this.options.reference;
    if (!reference) return;
    try {
      const changed = {
        protocols: await reference.writeProtocols(protocols),
        tokens: await reference.writeTokens(tokens),
      };
      if (changed.protocols + changed.tokens > 0) this.logger.info(changed, 'DefiLlama reference data stored');
    } catch (err) {
      // The points matter more than the names: they still go through.
      this.logger.warn({ err }, 'DefiLlama reference data not stored');
    }
  }

  private async protocols(now: number): Promise<{ records: ObservationRecord[]; references: ProtocolReference[] }> {
    const body = ProtocolsResponse.parse(await this.get(`${this.options.apiUrl}/protocols`));
    const records: ObservationRecord[] = [];
    const references: ProtocolReference[] = [];
    for (const protocol of body) {
      if (!ProtocolIdSchema.safeParse(protocol.slug).success) continue;
      references.push(protocolReference(protocol));
      const base = { protocolId: protocol.slug, name: protocol.name, timestamp: now };
      if (typeof protocol.tvl === 'number') this.push(records, 'tvl', { ...base, tvl: protocol.tvl });
      for (const [name, tvl] of Object.entries(protocol.chainTvls ?? {})) {
        const chain = chainKey(name);
        if (chain) this.push(records, 'tvl', { ...base, chain, tvl });
      }
    }
    return { records, references };
  }

  private async prices(): Promise<{ records: ObservationRecord[]; tokens: TokenReference[] }> {
    if (this.options.coins.length === 0) return { records: [], tokens: [] };
    const body = PricesResponse.parse(
      await this.get(`${this.options.coinsUrl}/prices/current/${this.options.coins.join(',')}`),
    );
    const records: ObservationRecord[] = [];
    const tokens: TokenReference[] = [];
    for (const [tokenId, coin] of Object.entries(body.coins)) {
      const token = tokenReference(tokenId, coin.symbol, coin.decimals);
      if (token) tokens.push(token);
      this.push(records, 'price', {
        tokenId,
        price: coin.price,
        timestamp: coin.timestamp, // seconds: the schema converts
        ...(coin.symbol ? { symbol: coin.symbol } : {}),
        ...(coin.confidence !== undefined ? { confidence: coin.confidence } : {}),
        ...(coin.decimals !== undefined ? { decimals: coin.decimals } : {}),
      });
    }
    return { records, tokens };
  }

  /**
   * Validate one record with the ingest rules (the same bounds as HTTP ingest) and keep it
   * if valid: a value out of bounds or a garbage timestamp from the API is logged and
   * dropped, so it can neither publish an event the gateway refuses nor silence a feed.
   */
  private push(records: ObservationRecord[], kind: 'price' | 'tvl', fields: Record<string, unknown>): void {
    const record = toRecord(kind, fields, 'poller');
    if (record.ok) records.push(record.value);
    else this.logger.warn({ record: fields, reason: record.error.message }, 'DefiLlama record rejected');
  }

  private async get(url: string): Promise<unknown> {
    const res = await fetch(url, {
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      headers: { accept: 'application/json' },
    });
    if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
    return res.json();
  }
}

function chainKey(name: string): string | undefined {
  if (NOT_A_CHAIN.test(name)) return undefined;
  const lower = name.toLowerCase();
  const key = CHAIN_NAMES[lower] ?? lower.replace(/\s+/g, '_');
  return ChainSchema.safeParse(key).success ? key : undefined;
}

/** A `/protocols` entry as stored metadata: chains as keys (from `chains` and `chainTvls`), '-' symbols dropped. */
function protocolReference(protocol: ProtocolEntry): ProtocolReference {
  const chains = new Set<string>();
  for (const name of [...(protocol.chains ?? []), ...Object.keys(protocol.chainTvls ?? {})]) {
    const key = chainKey(name);
    if (key) chains.add(key);
  }
  const metadata: Record<string, unknown> = {};
  if (protocol.id) metadata.defillamaId = protocol.id;
  if (protocol.cmcId) metadata.cmcId = protocol.cmcId;
  if (protocol.twitter) metadata.twitter = protocol.twitter;
  if (protocol.description) metadata.description = protocol.description;
  return {
    id: ProtocolIdSchema.parse(protocol.slug),
    name: protocol.name,
    ...(protocol.symbol && protocol.symbol !== '-' ? { symbol: protocol.symbol } : {}),
    ...(protocol.category ? { category: protocol.category } : {}),
    chains: [...chains],
    ...(protocol.url ? { url: protocol.url } : {}),
    ...(protocol.logo ? { logo: protocol.logo } : {}),
    ...(protocol.gecko_id ? { geckoId: protocol.gecko_id } : {}),
    ...(protocol.listedAt ? { listedAt: protocol.listedAt * 1000 } : {}),
    metadata,
  };
}

/** A priced coin's metadata, when it has a valid id and a symbol. */
function tokenReference(
  id: string,
  symbol: string | undefined,
  decimals: number | undefined,
): TokenReference | undefined {
  const parsed = parseTokenId(id);
  if (!parsed.ok || !symbol) return undefined;
  return {
    id: parsed.tokenId,
    symbol,
    ...(typeof decimals === 'number' && Number.isInteger(decimals) && decimals >= 0 && decimals <= 255
      ? { decimals }
      : {}),
    ...(parsed.chain
      ? { chain: parsed.chain }
      : { coingeckoId: parsed.tokenId.slice(parsed.tokenId.indexOf(':') + 1) }),
  };
}
