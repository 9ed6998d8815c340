import { createHash } from 'node:crypto';
import {
  AuthError,
  generateApiKey,
  hashApiKey,
  keyPrefix,
  looksLikeApiKey,
  maskApiKey,
  parseSeedSpec,
} from '../src/index';
import { fixedKey } from './helpers';

describe('API key format', () => {
  it('is drt_ + 32 base62 characters, different every time', () => {
    const keys = Array.from({ length: 200 }, generateApiKey);
    for (const key of keys) expect(key).toMatch(/^drt_[0-9A-Za-z]{32}$/);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every(looksLikeApiKey)).toBe(true);
  });

  it('draws every base62 character about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) for (const c of generateApiKey().slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 64,000 draws: ~1032 each. `byte % 62` would give the first 8 characters ~1.25x.
    const expected = 64_000 / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.15);
  });

  it('hashes with SHA-256 (hex) and shows only the prefix', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(keyPrefix(key)).toBe(key.slice(0, 12));
    expect(maskApiKey(key)).toBe(`${key.slice(0, 12)}…`);
  });

  it.each(['', 'drt_short', `xrt_${'a'.repeat(32)}`, `drt_${'a'.repeat(31)}-`, `drt_${'a'.repeat(33)}`, 42, undefined])(
    'does not mistake %p for a key',
    (value) => expect(looksLikeApiKey(value)).toBe(false),
  );
});

describe('parseSeedSpec', () => {
  const a = fixedKey('alpha');
  const b = fixedKey('bravo');

  it('parses key:tier pairs, ignoring spaces, empty entries and exact repeats', () => {
    expect(parseSeedSpec(` ${a}:pro , ,${b}:free,${a}:pro`)).toEqual([
      { key: a, tier: 'pro' },
      { key: b, tier: 'free' },
    ]);
    expect(parseSeedSpec('')).toEqual([]);
  });

  it.each([
    [`${a}:pro,nonsense`, /entry 2 .*expected key:tier/],
    [`${a}:gold`, /entry 1 .*unknown tier "gold", expected one of free, pro, enterprise/],
    ['drt_tooshort:pro', /entry 1 .*must look like drt_ followed by 32 letters and digits/],
    [`${a}:pro,${a}:free`, /entry 2 .*listed earlier with tier pro/],
  ])('refuses %s naming the entry', (spec, message) => {
    expect(() => parseSeedSpec(spec)).toThrow(AuthError);
    expect(() => parseSeedSpec(spec)).toThrow(message);
  });

  it('never puts a whole key in its error', () => {
    const secret = `${generateApiKey()}`;
    let message = '';
    try {
      parseSeedSpec(`${secret}:gold`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(secret.slice(0, 12));
    expect(message).not.toContain(secret);
  });
});
