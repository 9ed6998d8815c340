import { looksLikeApiKey, maskApiKey } from './api-keys';
import { AuthError } from './errors';
import { TIER_NAMES, isTierName, type TierName } from './tiers';

/** One key to seed. */
export interface SeedEntry {
  readonly key: string;
  readonly tier: TierName;
}

/**
 * Parse `"key:tier,key:tier"` (SEED_API_KEYS). Spaces around entries are ignored, and so is
 * an empty spec. A bad entry throws an AuthError (INVALID_SEED) naming its position and
 * its visible prefix (never the whole key). The same key twice with different tiers is an
 * error, since one of them would be silently ignored.
 */
export function parseSeedSpec(spec: string, source = 'SEED_API_KEYS'): SeedEntry[] {
  const entries: SeedEntry[] = [];
  const seen = new Map<string, TierName>();
  const parts = spec.split(',').map((part) => part.trim());
  parts.forEach((part, index) => {
    if (part === '') return;
    const where = `${source} entry ${index + 1} ("${maskApiKey(part)}")`;
    const colon = part.lastIndexOf(':');
    if (colon === -1) throw invalid(`${where}: expected key:tier`);
    const key = part.slice(0, colon).trim();
    const tier = part.slice(colon + 1).trim();
    if (!looksLikeApiKey(key)) {
      throw invalid(
        `${where}: the key must look like drt_ followed by 32 letters and digits (make one with \`npm run keys -- create\` or any 32 base62 characters)`,
      );
    }
    if (!isTierName(tier)) throw invalid(`${where}: unknown tier "${tier}", expected one of ${TIER_NAMES.join(', ')}`);
    const earlier = seen.get(key);
    if (earlier !== undefined && earlier !== tier)
      throw invalid(`${where}: the same key is listed earlier with tier ${earlier}`);
    if (earlier === undefined) entries.push({ key, tier });
    seen.set(key, tier);
  });
  return entries;
}

function invalid(message: string): AuthError {
  return new AuthError('INVALID_SEED', message);
}
