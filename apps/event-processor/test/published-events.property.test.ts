import { MemoryEngine } from '@defi-realtime/engine';
import { EventEnvelopeSchema, MAX_USD_VALUE } from '@defi-realtime/protocol';
import fc from 'fast-check';
import { DEFAULT_THRESHOLDS } from '../src/pipeline/change';
import { Pipeline } from '../src/pipeline/pipeline';
import { toRecord, type ObservationRecord } from '../src/pipeline/records';

// Whatever a producer sends, what the processor accepts must become events the gateway
// delivers: it drops a payload that fails EventEnvelopeSchema (prepareEvent), which every
// subscriber of the channel then sees as a gap in its positions.

const HOUR = 3_600_000;
const YEAR = 365.25 * 24 * HOUR;

/** Mostly plausible, so that records are accepted and compared; the rest anything a producer might send. */
const mostly = <T, U>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: usual, weight: 5 }, { arbitrary: odd, weight: 1 });
const value = mostly(
  fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
  fc.oneof(
    fc.double({ noNaN: true }),
    fc.constantFrom(
      0,
      -1,
      Number.MIN_VALUE,
      1e-300,
      1e-18,
      1,
      MAX_USD_VALUE,
      MAX_USD_VALUE * 1.01,
      1e308,
      Number.MAX_VALUE,
    ),
  ),
);
/** Mostly `NEXT` (the property stamps those in sending order, a second apart), else far past or future, or oddities. */
const NEXT = 'next';
const timestamp = (now: number) =>
  mostly(
    fc.constant(NEXT),
    fc.oneof(
      fc.integer({ min: -60 * YEAR, max: 200 * YEAR }).map((d) => now + d),
      fc.constantFrom(0, 1, 1_000, Math.floor(now / 1000), Date.UTC(2009, 0, 1) - 1, Date.UTC(2009, 0, 1), 1e300, -5),
    ),
  );
const symbol = mostly(fc.constantFrom('ETH', 'BQ', 'USDC'), fc.string({ maxLength: 70 }));
const chain = mostly(fc.constant(undefined), fc.constantFrom('ethereum', 'bsc', 'Arbitrum', 'not a chain'));
const tokenId = fc.constantFrom(
  'coingecko:ethereum',
  'coingecko:bq',
  'ethereum:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48',
  'bsc:0x55d398326f99059ff775485246999027b3197955',
);
const protocolId = fc.constantFrom('aave-v3', 'lido', 'bq-finance');

const rawPrice = (now: number) =>
  fc.record(
    {
      tokenId,
      price: value,
      timestamp: timestamp(now),
      symbol,
      chain,
      decimals: mostly(fc.integer({ min: 0, max: 18 }), fc.integer({ min: -1, max: 300 })),
      confidence: mostly(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: -0.5, max: 1.5, noNaN: true })),
    },
    { requiredKeys: ['tokenId', 'price', 'timestamp'] },
  );
const rawTvl = (now: number) =>
  fc.record(
    {
      protocolId,
      tvl: value,
      timestamp: timestamp(now),
      name: mostly(fc.constantFrom('Aave V3', 'Lido'), fc.string({ maxLength: 220 })),
      chain,
    },
    { requiredKeys: ['protocolId', 'tvl', 'timestamp'] },
  );
const raw = (now: number) =>
  fc.oneof(
    rawPrice(now).map((r) => ['price', r] as const),
    rawTvl(now).map((r) => ['tvl', r] as const),
  );

describe('events made from accepted records', () => {
  it('always pass the event schema the gateway delivers with', async () => {
    const now = Date.now();
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(raw(now), { minLength: 1, maxLength: 40, size: 'max' }), async (batch) => {
        const engine = new MemoryEngine();
        await engine.start();
        try {
          const pipeline = new Pipeline(engine, DEFAULT_THRESHOLDS, 'property');
          const accepted: ObservationRecord[] = [];
          for (const [i, [kind, fields]] of batch.entries()) {
            const record = toRecord(
              kind,
              { ...fields, timestamp: fields.timestamp === NEXT ? now - HOUR + i * 1_000 : fields.timestamp },
              'ingest',
            );
            if (record.ok) accepted.push(record.value);
          }
          // One record at a time, as producers send them, so later ones compare with earlier ones.
          for (const record of accepted) await pipeline.process([record]);
          for (const channel of ['prices', 'tvl']) {
            for (const event of (await engine.history(channel, { limit: 1_000 })).events) {
              const parsed = EventEnvelopeSchema.safeParse(JSON.parse(event.payload));
              if (!parsed.success)
                throw new Error(`${event.payload} is refused by the gateway: ${parsed.error.message}`);
              checked += 1;
            }
          }
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 300 },
    );
    expect(checked).toBeGreaterThan(300); // the generators make enough events to mean something
  });
});
