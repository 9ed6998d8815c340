import { storedRule } from '../../test/evaluation/rules';
import { RuleIndex } from './rule-index';

describe('RuleIndex', () => {
  it('indexes price rules by token, split into any-chain and per-chain rules', () => {
    const any = storedRule();
    const onArbitrum = storedRule({ chain: 'arbitrum' });
    const otherToken = storedRule({ tokenId: 'coingecko:bitcoin' });
    const index = new RuleIndex([any, onArbitrum, otherToken]);
    expect(index.size).toBe(3);
    expect(index.targets).toBe(2);
    const eth = index.tokenRules('coingecko:ethereum')!;
    expect(eth.anyChain).toEqual([any]);
    expect(eth.byChain.get('arbitrum')).toEqual([onArbitrum]);
    expect(eth.byChain.get('ethereum')).toBeUndefined();
    expect(index.tokenRules('coingecko:bitcoin')!.anyChain).toEqual([otherToken]);
    expect(index.tokenRules('coingecko:solana')).toBeUndefined();
  });

  it('indexes TVL rules by protocol: chain null is the total, a chain only that chain', () => {
    const total = storedRule({ type: 'tvl_below', threshold: 1e9 });
    const onBase = storedRule({
      type: 'tvl_change_pct',
      threshold: -10,
      window: '1h',
      windowMs: 3_600_000,
      chain: 'base',
    });
    const index = new RuleIndex([total, onBase]);
    const aave = index.protocolRules('aave-v3')!;
    expect(aave.total).toEqual([total]);
    expect(aave.byChain.get('base')).toEqual([onBase]);
    expect(index.tokenRules('aave-v3')).toBeUndefined();
  });

  it('replaces a rule on upsert (a new target moves it) and drops disabled ones', () => {
    const rule = storedRule();
    const index = new RuleIndex([rule]);
    index.upsert({ ...rule, tokenId: 'coingecko:bitcoin', threshold: 100_000 });
    expect(index.tokenRules('coingecko:ethereum')).toBeUndefined();
    expect(index.tokenRules('coingecko:bitcoin')!.anyChain.map((r) => r.threshold)).toEqual([100_000]);
    index.upsert({ ...rule, tokenId: 'coingecko:bitcoin', enabled: false });
    expect(index.size).toBe(0);
    expect(index.targets).toBe(0);
    index.upsert({ ...rule, enabled: false });
    expect(index.get(rule.id)).toBeUndefined();
  });

  it('removes rules and forgets targets that have none left', () => {
    const a = storedRule({ chain: 'ethereum' });
    const b = storedRule({ chain: 'ethereum' });
    const index = new RuleIndex([a, b]);
    expect(index.remove(a.id)).toBe(true);
    expect(index.remove(a.id)).toBe(false);
    expect(index.tokenRules('coingecko:ethereum')!.byChain.get('ethereum')).toEqual([b]);
    index.remove(b.id);
    expect(index.tokenRules('coingecko:ethereum')).toBeUndefined();
  });

  it('keeps the indexed object of a rule that changed nothing evaluation reads', () => {
    const rule = storedRule();
    const index = new RuleIndex([rule]);
    index.replaceAll([{ ...rule, name: 'renamed', channels: [{ type: 'email', to: 'a@example.com' }] }]);
    expect(index.get(rule.id)).toBe(rule);
    index.upsert({ ...rule, threshold: 4100 });
    expect(index.get(rule.id)).not.toBe(rule);
    expect(index.get(rule.id)!.threshold).toBe(4100);
    expect(index.tokenRules('coingecko:ethereum')!.anyChain).toEqual([index.get(rule.id)]);
  });

  it('replaces everything at once', () => {
    const index = new RuleIndex([storedRule(), storedRule()]);
    const fresh = storedRule({ type: 'tvl_above', threshold: 5 });
    index.replaceAll([fresh, storedRule({ enabled: false })]);
    expect([...index.ids()]).toEqual([fresh.id]);
    expect(index.tokenRules('coingecko:ethereum')).toBeUndefined();
  });

  it('holds 100,000 rules over 1,000 targets, 100 per target', () => {
    const rules = Array.from({ length: 100_000 }, (_, i) =>
      i % 2 === 0
        ? storedRule({ id: `r${i}`, tokenId: `coingecko:t${i % 1000}` })
        : storedRule({ id: `r${i}`, type: 'tvl_above', protocolId: `p${i % 1000}`, tokenId: null }),
    );
    const index = new RuleIndex(rules);
    expect(index.size).toBe(100_000);
    expect(index.targets).toBe(1_000);
    expect(index.tokenRules('coingecko:t0')!.anyChain).toHaveLength(100);
    expect(index.protocolRules('p1')!.total).toHaveLength(100);
  });
});
