import type { StoredRule } from '../rules/stored-rule';

/** The price rules of one token: those for any chain, and those for one chain. */
export interface TokenRules {
  /** rule.chain null: every price of the token, whatever its chain. */
  readonly anyChain: StoredRule[];
  /** rule.chain set: only prices whose data.chain equals it. */
  readonly byChain: Map<string, StoredRule[]>;
}

/** The TVL rules of one protocol: on its total, and on one chain. */
export interface ProtocolRules {
  /** rule.chain null: only the protocol's total (events without data.chain). */
  readonly total: StoredRule[];
  /** rule.chain set: only that chain's TVL. */
  readonly byChain: Map<string, StoredRule[]>;
}

/**
 * The enabled rules in memory, indexed by target so an event touches only its own
 * rules: price rules by tokenId, TVL rules by protocolId, each split by chain. Holds
 * 100,000 rules in a few tens of MB; every change is O(rules of that target).
 */
export class RuleIndex {
  private readonly rules = new Map<string, StoredRule>();
  private readonly tokens = new Map<string, TokenRules>();
  private readonly protocols = new Map<string, ProtocolRules>();

  constructor(rules: Iterable<StoredRule> = []) {
    for (const rule of rules) this.upsert(rule);
  }

  /** How many rules are indexed. */
  get size(): number {
    return this.rules.size;
  }

  /** How many distinct targets (tokens and protocols) have rules. */
  get targets(): number {
    return this.tokens.size + this.protocols.size;
  }

  /** The indexed rule with this id. */
  get(id: string): StoredRule | undefined {
    return this.rules.get(id);
  }

  /** The ids of every indexed rule. */
  ids(): IterableIterator<string> {
    return this.rules.keys();
  }

  /** Price rules of a token, or undefined when it has none. */
  tokenRules(tokenId: string): TokenRules | undefined {
    return this.tokens.get(tokenId);
  }

  /** TVL rules of a protocol, or undefined when it has none. */
  protocolRules(protocolId: string): ProtocolRules | undefined {
    return this.protocols.get(protocolId);
  }

  /**
   * Add or replace a rule; a disabled rule is removed instead (it must not be evaluated).
   * A rule equal in everything evaluation reads keeps its indexed object, so what is
   * remembered per rule object (the Redis state store's states) survives a reload.
   */
  upsert(rule: StoredRule): void {
    const existing = this.rules.get(rule.id);
    if (existing && sameForEvaluation(existing, rule)) return;
    this.remove(rule.id);
    if (!rule.enabled) return;
    const list = this.listFor(rule, true);
    if (!list) return;
    list.push(rule);
    this.rules.set(rule.id, rule);
  }

  /** Remove a rule by id; false when it was not indexed. */
  remove(id: string): boolean {
    const rule = this.rules.get(id);
    if (!rule) return false;
    this.rules.delete(id);
    const list = this.listFor(rule, false);
    if (list) {
      const at = list.indexOf(rule);
      if (at >= 0) list.splice(at, 1);
    }
    this.prune(rule);
    return true;
  }

  /** Replace everything with `rules` (the periodic full reload). */
  replaceAll(rules: Iterable<StoredRule>): void {
    const previous = new Map(this.rules);
    this.rules.clear();
    this.tokens.clear();
    this.protocols.clear();
    for (const rule of rules) {
      const old = previous.get(rule.id);
      this.upsert(old && sameForEvaluation(old, rule) ? old : rule);
    }
  }

  /** The list a rule belongs in (created when `create`), or undefined for a rule without a target. */
  private listFor(rule: StoredRule, create: boolean): StoredRule[] | undefined {
    if (rule.type.startsWith('price_')) {
      if (rule.tokenId === null) return undefined;
      let entry = this.tokens.get(rule.tokenId);
      if (!entry) {
        if (!create) return undefined;
        entry = { anyChain: [], byChain: new Map() };
        this.tokens.set(rule.tokenId, entry);
      }
      return rule.chain === null ? entry.anyChain : chainList(entry.byChain, rule.chain, create);
    }
    if (rule.protocolId === null) return undefined;
    let entry = this.protocols.get(rule.protocolId);
    if (!entry) {
      if (!create) return undefined;
      entry = { total: [], byChain: new Map() };
      this.protocols.set(rule.protocolId, entry);
    }
    return rule.chain === null ? entry.total : chainList(entry.byChain, rule.chain, create);
  }

  /** Drop empty lists and targets, so a token whose rules all went costs nothing per event. */
  private prune(rule: StoredRule): void {
    if (rule.type.startsWith('price_')) {
      const entry = rule.tokenId === null ? undefined : this.tokens.get(rule.tokenId);
      if (!entry) return;
      if (rule.chain !== null && entry.byChain.get(rule.chain)?.length === 0) entry.byChain.delete(rule.chain);
      if (entry.anyChain.length === 0 && entry.byChain.size === 0) this.tokens.delete(rule.tokenId!);
      return;
    }
    const entry = rule.protocolId === null ? undefined : this.protocols.get(rule.protocolId);
    if (!entry) return;
    if (rule.chain !== null && entry.byChain.get(rule.chain)?.length === 0) entry.byChain.delete(rule.chain);
    if (entry.total.length === 0 && entry.byChain.size === 0) this.protocols.delete(rule.protocolId!);
  }
}

function chainList(byChain: Map<string, StoredRule[]>, chain: string, create: boolean): StoredRule[] | undefined {
  let list = byChain.get(chain);
  if (!list && create) {
    list = [];
    byChain.set(chain, list);
  }
  return list;
}

/** True when evaluation would treat the two versions of a rule alike (name and channels are delivery's). */
function sameForEvaluation(a: StoredRule, b: StoredRule): boolean {
  return (
    a.enabled === b.enabled &&
    a.type === b.type &&
    a.tokenId === b.tokenId &&
    a.protocolId === b.protocolId &&
    a.chain === b.chain &&
    a.threshold === b.threshold &&
    a.windowMs === b.windowMs &&
    a.cooldownSec === b.cooldownSec &&
    a.rearmPct === b.rearmPct &&
    a.owner === b.owner &&
    a.priority === b.priority
  );
}
