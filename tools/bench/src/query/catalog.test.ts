import { ChainSchema, ProtocolIdSchema, TokenIdSchema } from '@defi-realtime/protocol';
import { PROTOCOLS, TOKENS } from '@defi-realtime/fixtures';
import { buildCatalog } from './catalog';

describe('buildCatalog', () => {
  const catalog = buildCatalog({ protocols: 5000, tokens: 200, seed: 1 });

  it('makes 5,000 protocols with unique, valid DefiLlama slugs, the fixtures first', () => {
    expect(catalog.protocols).toHaveLength(5000);
    const ids = catalog.protocols.map((p) => p.id);
    expect(new Set(ids).size).toBe(5000);
    expect(ids.filter((id) => ProtocolIdSchema.safeParse(id).data !== id)).toEqual([]);
    expect(ids.slice(0, PROTOCOLS.length)).toEqual(PROTOCOLS.map((p) => p.id));
    expect(catalog.protocols.find((p) => p.id === 'lido')).toMatchObject({
      name: 'Lido',
      category: 'Liquid Staking',
      chains: ['ethereum'],
      shares: [1],
    });
  });

  it('puts each protocol on 1-6 distinct valid chains, most on one, with shares summing to 1', () => {
    const generated = catalog.protocols.slice(PROTOCOLS.length);
    // Collected, not asserted one by one: 5,000 x several expect() calls would take seconds.
    const wrong = generated.filter(
      (p) =>
        p.chains.length < 1 ||
        p.chains.length > 6 ||
        new Set(p.chains).size !== p.chains.length ||
        p.chains.some((chain) => !ChainSchema.safeParse(chain).success) ||
        Math.abs(p.shares.reduce((a, b) => a + b, 0) - 1) > 1e-9 ||
        p.shares.some((share, i) => i > 0 && share > p.shares[i - 1]!),
    );
    expect(wrong).toEqual([]);
    const single = generated.filter((p) => p.chains.length === 1).length / generated.length;
    expect(single).toBeGreaterThan(0.4);
    expect(single).toBeLessThan(0.6);
    expect(generated.some((p) => p.chains.length === 6)).toBe(true);
    const onEthereum = generated.filter((p) => p.chains.includes('ethereum')).length;
    const onKava = generated.filter((p) => p.chains.includes('kava')).length;
    expect(onEthereum).toBeGreaterThan(10 * onKava);
  });

  it('spreads TVL like DefiLlama: a median in the millions, a few protocols in the billions', () => {
    const tvls = catalog.protocols.map((p) => p.tvl).sort((a, b) => a - b);
    const median = tvls[Math.floor(tvls.length / 2)]!;
    expect(median).toBeGreaterThan(1e6);
    expect(median).toBeLessThan(2e7);
    const billions = tvls.filter((t) => t >= 1e9).length;
    expect(billions).toBeGreaterThan(10);
    expect(billions).toBeLessThan(250);
    expect(Math.max(...tvls)).toBeLessThanOrEqual(3e10);
    const categories = new Set(catalog.protocols.map((p) => p.category));
    expect(categories.size).toBeGreaterThan(15);
  });

  it('makes 200 tokens with valid unique ids, the fixtures first', () => {
    expect(catalog.tokens).toHaveLength(200);
    const ids = catalog.tokens.map((t) => t.id);
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(TokenIdSchema.parse(id)).toBe(id);
    expect(ids.slice(0, TOKENS.length)).toEqual(TOKENS.map((t) => t.id));
    for (const t of catalog.tokens) {
      expect(t.price).toBeGreaterThan(0);
      expect(
        t.chain === null
          ? t.id.startsWith('coingecko:')
          : t.id.startsWith(`${t.chain}:`) || t.id.startsWith('coingecko:'),
      ).toBe(true);
    }
    expect(ids.some((id) => /^[a-z]+:0x[0-9a-f]{40}$/.test(id) && !id.startsWith('coingecko:'))).toBe(true);
  });

  it('is the same for the same seed and different for another', () => {
    const again = buildCatalog({ protocols: 5000, tokens: 200, seed: 1 });
    expect(again).toEqual(catalog);
    const other = buildCatalog({ protocols: 5000, tokens: 200, seed: 2 });
    expect(other.protocols.slice(PROTOCOLS.length).map((p) => p.id)).not.toEqual(
      catalog.protocols.slice(PROTOCOLS.length).map((p) => p.id),
    );
  });

  it('refuses a size that is not a whole number >= 1, naming the option', () => {
    expect(() => buildCatalog({ protocols: 0 })).toThrow('Invalid protocols option 0');
    expect(() => buildCatalog({ tokens: 1.5 })).toThrow('Invalid tokens option 1.5');
  });
});
