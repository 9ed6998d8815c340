import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerValue, type HttpHeaders } from './http/credential-forms';

/**
 * True when `given` is `expected`, in a time that depends on neither where they differ nor
 * their lengths: both are hashed to SHA-256 first and the fixed-length digests compared
 * with `timingSafeEqual` (comparing the strings themselves would leak the expected
 * length, and `timingSafeEqual` throws on unequal lengths). For operator-set secrets
 * such as INGEST_TOKEN and ADMIN_TOKEN; API keys are looked up by hash instead.
 */
export function staticTokenEquals(given: string | undefined, expected: string): boolean {
  if (expected === '')
    throw new TypeError(
      'staticTokenEquals: the expected token is empty (an unset token must disable the endpoint instead)',
    );
  // Hash even when nothing was given, so a missing header costs the same as a wrong one.
  const a = digest(given ?? '');
  const b = digest(expected);
  return timingSafeEqual(a, b) && given !== undefined;
}

/**
 * True when the request's `Authorization: Bearer <token>` carries `expected` (first value
 * of a repeated header; the scheme is case-insensitive, as HTTP says).
 */
export function staticBearerMatches(headers: HttpHeaders, expected: string): boolean {
  return staticTokenEquals(bearerValue(headers), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
