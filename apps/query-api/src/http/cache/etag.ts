import { createHash } from 'node:crypto';

/** A strong ETag for `body`: its SHA-1, quoted (RFC 9110 8.8.3). */
export function etagOf(body: string): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

/**
 * True when an `If-None-Match` header matches `etag`: `*`, or one of its comma-separated
 * tags equal to it by the weak comparison RFC 9110 13.1.2 prescribes (a `W/` prefix ignored).
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const opaque = stripWeak(etag);
  return value.split(',').some((candidate) => stripWeak(candidate.trim()) === opaque);
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
