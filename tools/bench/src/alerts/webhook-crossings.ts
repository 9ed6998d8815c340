import { HIGH_PRICE, LOW_PRICE } from './webhook-rules';

/** One threshold crossing sent through `POST /v1/ingest`. */
export interface Crossing {
  tokenIndex: number;
  price: number;
  /** The observation timestamp sent (ms): unique across the run, so a webhook's `data.timestamp` names its crossing. */
  timestamp: number;
  /** `performance.now()` just before the ingest request went out. */
  sentAt: number;
  /** `performance.now()` when ingest answered. */
  answeredAt: number;
  /** Events the answer reports: 1 is a crossing on its way; 0 means the processor took it for no change. */
  events: number;
  /** Why the request failed (refused, network), when it did. */
  error?: string;
}

export interface CrossingDriverOptions {
  /** The event processor's base URL. */
  ingestUrl: string;
  /** Its INGEST_TOKEN. */
  token: string;
  tokenIds: readonly string[];
}

/**
 * Moves each token's price across THRESHOLD and back (LOW_PRICE <-> HIGH_PRICE) through
 * the real ingest path, at a fixed rate. The tokens take turns; a token's next crossing
 * waits for its previous request to be answered, so its records never arrive out of
 * order (an older timestamp would be taken as stale, not as a crossing).
 */
export class CrossingDriver {
  private lastTimestamp = 0;
  /** Each token's last price the processor published (or seeded). */
  private readonly published: number[];
  private readonly chains: Array<Promise<void>>;

  constructor(private readonly options: CrossingDriverOptions) {
    this.published = options.tokenIds.map(() => LOW_PRICE);
    this.chains = options.tokenIds.map(() => Promise.resolve());
  }

  /** Every token's first value (LOW_PRICE): the processor's reference, no event. */
  async seed(): Promise<void> {
    const prices = this.options.tokenIds.map((tokenId) => ({
      tokenId,
      symbol: 'BENCH',
      price: LOW_PRICE,
      timestamp: this.nextTimestamp(),
    }));
    const res = await this.ingest(prices);
    if (res.status !== 200) throw new Error(`seeding the prices: ingest answered ${res.status}: ${await res.text()}`);
    const result = (await res.json()) as { accepted: number; events: number };
    if (result.accepted !== prices.length)
      throw new Error(`seeding the prices: ingest accepted ${result.accepted} of ${prices.length} records`);
  }

  /** Send `count` crossings at `rate` per second; resolves once every one is answered. */
  async run(count: number, rate: number): Promise<Crossing[]> {
    const crossings: Crossing[] = [];
    const sends: Array<Promise<void>> = [];
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      // Due times from the start, not from the previous send: a late tick does not slow the rest.
      const wait = started + (i * 1000) / rate - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      const tokenIndex = i % this.options.tokenIds.length;
      const send = this.chains[tokenIndex]!.then(() => this.cross(tokenIndex, crossings));
      this.chains[tokenIndex] = send;
      sends.push(send);
    }
    await Promise.all(sends);
    return crossings;
  }

  private async cross(tokenIndex: number, crossings: Crossing[]): Promise<void> {
    const price = this.published[tokenIndex] === LOW_PRICE ? HIGH_PRICE : LOW_PRICE;
    const timestamp = this.nextTimestamp();
    const crossing: Crossing = {
      tokenIndex,
      price,
      timestamp,
      sentAt: performance.now(),
      answeredAt: Number.NaN,
      events: 0,
    };
    crossings.push(crossing);
    try {
      const res = await this.ingest([
        { tokenId: this.options.tokenIds[tokenIndex]!, symbol: 'BENCH', price, timestamp },
      ]);
      crossing.answeredAt = performance.now();
      if (res.status !== 200) {
        crossing.error = `ingest answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
        return;
      }
      crossing.events = ((await res.json()) as { events: number }).events;
      // Only a published crossing moves the reference: after a refusal the same move is sent again.
      if (crossing.events > 0) this.published[tokenIndex] = price;
    } catch (err) {
      crossing.answeredAt = performance.now();
      crossing.error = `ingest request failed: ${(err as Error).message}`;
    }
  }

  /** Wall-clock ms, strictly increasing: the processor drops a token's older or equal observations. */
  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  private ingest(
    prices: Array<{ tokenId: string; symbol: string; price: number; timestamp: number }>,
  ): Promise<Response> {
    return fetch(`${this.options.ingestUrl}/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prices }),
    });
  }
}
