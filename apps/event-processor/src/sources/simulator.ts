import type { Logger } from '@defi-realtime/runtime';
// JSON fixtures imported as modules: tsup bundles them into dist/main.js, no data files to ship.
import { PROTOCOLS, TOKENS } from '@defi-realtime/fixtures';
import { toRecord, type ObservationRecord } from '../pipeline/records';
import type { ReferenceWriter } from '../storage/reference-writer';

/** Daily volatility per asset class (a standard deviation of log returns). */
const DAILY_VOLATILITY = { stable: 0.001, major: 0.035, alt: 0.06, defi: 0.07 } as const;
const TVL_DAILY_VOLATILITY = 0.03;
const DAY_SECONDS = 86_400;

export interface SimulatorOptions {
  /** Time between ticks. @default 1_000 */
  intervalMs?: number;
  /** Simulated seconds per real second: 60 makes a minute of market per second, lively enough for a demo. @default 60 */
  speed?: number;
  /** Chance per asset per tick of a jump of 2-8 % (news, liquidations). @default 0.002 */
  jumpProbability?: number;
  /** Seed for a reproducible run (tests). @default random */
  seed?: number;
  /**
   * Where the fixtures' tokens and protocols (names, symbols, categories, chains, decimals)
   * are stored at start, before the first tick, so the REST API can name what it serves.
   * @default undefined (not stored)
   */
  reference?: ReferenceWriter;
  /**
   * Hours of hourly history to write at start, ending now, so charts, `change_1h/1d/7d`
   * and movers have something to show at once. Stored through `store`, never published.
   * @default 0
   */
  backfillHours?: number;
  /** Where backfilled observations go (the point writer). Required with backfillHours. */
  store?: (records: ObservationRecord[]) => void;
}

interface TokenState {
  id: string;
  symbol: string;
  decimals: number;
  chain?: string;
  price: number;
  volatility: number;
  stable: boolean;
}
interface ProtocolState {
  id: string;
  name: string;
  tvl: Map<string, number>;
}

/**
 * Realistic random walks over real tokens and protocols (tools/fixtures): geometric
 * Brownian motion with per-class volatility, occasional jumps, stablecoins pulled back
 * to their peg, TVL per chain plus the protocol total. Emits observations, not events:
 * the pipeline decides which moves are changes.
 */
export class Simulator {
  private readonly tokens: TokenState[];
  private readonly protocols: ProtocolState[];
  private readonly random: () => number;
  private readonly intervalMs: number;
  private readonly stepSeconds: number;
  private readonly jumpProbability: number;
  private readonly reference: ReferenceWriter | undefined;
  private readonly backfillHours: number;
  private readonly store: ((records: ObservationRecord[]) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly emit: (records: ObservationRecord[]) => Promise<unknown>,
    private readonly logger: Logger,
    options: SimulatorOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.stepSeconds = (this.intervalMs / 1000) * (options.speed ?? 60);
    this.jumpProbability = options.jumpProbability ?? 0.002;
    this.reference = options.reference;
    this.backfillHours = options.backfillHours ?? 0;
    this.store = options.store;
    if (this.backfillHours > 0 && !this.store)
      throw new TypeError('Simulator: backfillHours needs a store for the history');
    this.random = mulberry32(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    this.tokens = TOKENS.map((t) => ({
      id: t.id,
      symbol: t.symbol,
      decimals: t.decimals,
      ...(t.chain ? { chain: t.chain } : {}),
      price: t.price,
      volatility: DAILY_VOLATILITY[t.class],
      stable: t.class === 'stable',
    }));
    this.protocols = PROTOCOLS.map((p) => ({ id: p.id, name: p.name, tvl: new Map(Object.entries(p.tvl)) }));
  }

  start(): void {
    if (this.timer) return;
    // Ticks queue behind it: a protocol's metadata is stored before its first point.
    const reference = this.reference;
    if (reference) this.running = this.running.then(() => this.writeReference(reference));
    if (this.store && this.backfillHours > 0) this.backfill(this.store, this.backfillHours);
    this.timer = setInterval(() => {
      // Never overlap ticks: a slow engine makes the simulator wait, not pile up.
      this.running = this.running.then(() =>
        this.emit(this.tick()).catch((err: unknown) => this.logger.warn({ err }, 'simulated batch not processed')),
      );
    }, this.intervalMs);
    this.timer.unref();
    this.logger.info(
      { tokens: this.tokens.length, protocols: this.protocols.length, intervalMs: this.intervalMs },
      'simulator started',
    );
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async writeReference(reference: ReferenceWriter): Promise<void> {
    try {
      const tokens = await reference.writeTokens(
        TOKENS.map((t) => ({
          id: t.id,
          symbol: t.symbol,
          decimals: t.decimals,
          ...(t.chain ? { chain: t.chain } : {}),
          ...(t.id.startsWith('coingecko:') ? { coingeckoId: t.id.slice('coingecko:'.length) } : {}),
        })),
      );
      const protocols = await reference.writeProtocols(
        PROTOCOLS.map((p) => ({
          id: p.id,
          name: p.name,
          symbol: p.symbol,
          category: p.category,
          chains: Object.keys(p.tvl),
        })),
      );
      this.logger.info({ tokens, protocols }, 'simulator reference data stored');
    } catch (err) {
      // The feed runs without it: the REST API then names things by their ids.
      this.logger.warn({ err }, 'simulator reference data not stored');
    }
  }

  /**
   * Walk `hours` hourly steps from `now - hours` to now and store them: the live walk then
   * continues from where the history ends, so the two join without a jump.
   */
  private backfill(store: (records: ObservationRecord[]) => void, hours: number, now = Date.now()): void {
    const start = now - hours * 3_600_000;
    let points = 0;
    for (let hour = 0; hour < hours; hour++) {
      const records = this.tick(start + hour * 3_600_000, 3_600);
      store(records);
      points += records.length;
    }
    this.logger.info({ hours, points }, 'simulator history backfilled');
  }

  /**
   * Move every asset one step (`stepSeconds` of market time) and return the observations
   * (public for tests). They pass the ingest rules like any producer's: a walk that left
   * the bounds, or a `now` outside the timestamp window, is logged and not emitted.
   */
  tick(now = Date.now(), stepSeconds = this.stepSeconds): ObservationRecord[] {
    const records: ObservationRecord[] = [];
    const rejected: string[] = [];
    const keep = (kind: 'price' | 'tvl', fields: Record<string, unknown>) => {
      const record = toRecord(kind, fields, 'simulator');
      if (record.ok) records.push(record.value);
      else rejected.push(record.error.message);
    };
    const fraction = Math.sqrt(stepSeconds / DAY_SECONDS);
    for (const token of this.tokens) {
      if (token.stable) {
        // Pegged: noise around 1 with a pull back to the peg, and a rare brief depeg.
        const shock = this.random() < this.jumpProbability / 4 ? (this.random() - 0.5) * 0.01 : 0;
        token.price = 1 + (token.price - 1) * 0.8 + token.volatility * fraction * this.gaussian() + shock;
      } else {
        token.price *= Math.exp(token.volatility * fraction * this.gaussian() + this.jump());
      }
      keep('price', {
        tokenId: token.id,
        symbol: token.symbol,
        decimals: token.decimals,
        ...(token.chain ? { chain: token.chain } : {}),
        price: round(token.price),
        timestamp: now,
        confidence: 0.99,
      });
    }
    for (const protocol of this.protocols) {
      let total = 0;
      for (const [chain, tvl] of protocol.tvl) {
        const next = tvl * Math.exp(TVL_DAILY_VOLATILITY * fraction * this.gaussian() + this.jump());
        protocol.tvl.set(chain, next);
        total += next;
        keep('tvl', { protocolId: protocol.id, name: protocol.name, chain, tvl: Math.round(next), timestamp: now });
      }
      keep('tvl', { protocolId: protocol.id, name: protocol.name, tvl: Math.round(total), timestamp: now });
    }
    if (rejected.length > 0)
      this.logger.warn({ rejected: rejected.length, first: rejected[0] }, 'simulated records rejected');
    return records;
  }

  private jump(): number {
    if (this.random() >= this.jumpProbability) return 0;
    const size = 0.02 + this.random() * 0.06;
    return this.random() < 0.5 ? -size : size;
  }

  /** Standard normal by Box-Muller. */
  private gaussian(): number {
    const u = 1 - this.random();
    const v = this.random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

/** Prices to 8 significant digits, as price feeds quote them. */
function round(price: number): number {
  return Number(price.toPrecision(8));
}

/** A small seedable PRNG (tests get the same walk every run). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
