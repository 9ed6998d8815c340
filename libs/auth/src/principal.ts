import type { TierLimits, TierName } from './tiers';

/** Who is calling, however they proved it: what the gateway and the query API act on. */
export interface Principal {
  /** The API key's id (uuid), or the token's `sub`. */
  readonly id: string;
  /** Whose data this is (alert rules, the `alerts` channel): the key's owner, or the token's `sub`. */
  readonly owner: string;
  readonly tier: TierName;
  readonly limits: TierLimits;
  readonly via: 'api_key' | 'jwt';
  /** The key's visible prefix, for logs (API keys only). */
  readonly keyPrefix?: string;
  /**
   * Channels this principal may subscribe to: exact canonical names, or prefixes ending in
   * `*` (`token:*`). Absent: every channel.
   */
  readonly allowedChannels?: readonly string[];
}

/** True when the principal may use this canonical channel name. */
export function principalMayUse(principal: Principal, canonicalChannel: string): boolean {
  const patterns = principal.allowedChannels;
  if (patterns === undefined) return true;
  return patterns.some((pattern) => channelMatches(pattern, canonicalChannel));
}

/** True when `channel` is `pattern`, or starts with it when it ends in `*`. */
export function channelMatches(pattern: string, channel: string): boolean {
  return pattern.endsWith('*') ? channel.startsWith(pattern.slice(0, -1)) : channel === pattern;
}

/** Problem with a channel pattern (as in a token's `channels` claim), or undefined when fine. */
export function channelPatternProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 256) {
    return 'expected a channel name of 1-256 characters';
  }
  if (/\s/.test(pattern)) return 'must not contain spaces';
  const star = pattern.indexOf('*');
  if (star !== -1 && star !== pattern.length - 1) return '`*` is only allowed at the end';
  return undefined;
}
