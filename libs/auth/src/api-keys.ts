import { createHash, randomBytes } from 'node:crypto';

/** Every key starts with this, so scanners (and people) recognise a leaked one. */
export const API_KEY_PREFIX = 'drt_';
/** Random characters after the prefix: 32 base62 characters carry about 190 bits. */
export const API_KEY_RANDOM_LENGTH = 32;
/** Characters kept in clear (`drt_` + 8): enough to tell keys apart in a listing, useless to guess the rest. */
export const KEY_PREFIX_LENGTH = 12;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// The largest multiple of 62 that fits in a byte: bytes at or above it are dropped, so
// every character is equally likely (`byte % 62` alone would favour the first 8).
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);
const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${API_KEY_RANDOM_LENGTH}}$`);

/** A new random API key: `drt_` + 32 base62 characters from the OS CSPRNG. */
export function generateApiKey(): string {
  let out = API_KEY_PREFIX;
  while (out.length < API_KEY_PREFIX.length + API_KEY_RANDOM_LENGTH) {
    // 48 bytes almost always suffice (each byte is kept with probability 248/256).
    for (const byte of randomBytes(48)) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += ALPHABET[byte % ALPHABET.length];
      if (out.length === API_KEY_PREFIX.length + API_KEY_RANDOM_LENGTH) break;
    }
  }
  return out;
}

/**
 * The SHA-256 of a key, lower-case hex: what the database stores. A plain fast hash is
 * enough here (unlike passwords): the key has ~190 random bits, so there is nothing to
 * brute-force, and lookups must stay cheap.
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The visible part of a key, stored and shown in listings (`drt_` + 8 characters). */
export function keyPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX_LENGTH);
}

/** True for a string of the shape `generateApiKey` returns (says nothing about validity). */
export function looksLikeApiKey(value: unknown): boolean {
  return typeof value === 'string' && API_KEY_PATTERN.test(value);
}

/** A key as it may appear in a message: its prefix and an ellipsis, never the secret part. */
export function maskApiKey(value: string): string {
  return value.length <= KEY_PREFIX_LENGTH ? `${value.slice(0, 4)}…` : `${keyPrefix(value)}…`;
}
