import { z } from 'zod';

// Listings are newest first and paged by keyset (the last row's sort key), not by offset:
// a rule created or an alert fired while a client pages does not shift the pages after
// it, so nothing is shown twice or skipped. The timestamp travels as PostgreSQL prints it
// with microseconds (see SORT_AT_SQL): a JS Date keeps only milliseconds, and rows created
// within one millisecond would then be skipped or repeated at a page boundary.

/** Where the next page starts: the sort key of the last row of the previous one. */
export interface PageCursor {
  /** The row's timestamp in UTC with microseconds: `2026-01-02T03:04:05.123456Z`. */
  at: string;
  /** The row's id (the tie-breaker between rows of the same timestamp). */
  id: string;
}

/** A page request: how many rows, after which one. */
export interface PageRequest {
  limit: number;
  after?: PageCursor;
}

/** SQL for a timestamptz column as PageCursor.at text (`to_char` in UTC, microseconds). */
export function sortAtSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

const AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_ID_LENGTH = 200;

/** The opaque text a client gets as `nextCursor` (base64url JSON: it says nothing it must rely on). */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.id])).toString('base64url');
}

/**
 * The cursor in `text`, or null when it is not one we made. Checked fully here (the
 * timestamp parses, the id has the listing's form) so a forged cursor is a 400, never a
 * failed SQL cast (500).
 */
export function decodeCursor(text: string, idKind: 'uuid' | 'text'): PageCursor | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [at, id] = value as unknown[];
  if (typeof at !== 'string' || !AT.test(at) || Number.isNaN(Date.parse(at))) return null;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return null;
  if (idKind === 'uuid' && !UUID.test(id)) return null;
  return { at, id };
}

/** The `cursor` query parameter: a `nextCursor` from the previous page of the same listing. */
export function cursorQuerySchema(idKind: 'uuid' | 'text') {
  return z
    .string()
    .max(1024)
    .transform((text, ctx) => {
      const cursor = decodeCursor(text, idKind);
      if (cursor === null) {
        ctx.addIssue({ code: 'custom', message: 'expected the nextCursor of a previous page of this listing' });
        return z.NEVER;
      }
      return cursor;
    })
    .describe('The `nextCursor` of the previous page; absent for the first page.');
}

/** Default and bounds of the `limit` query parameter of every listing. */
export const PAGE_LIMITS = Object.freeze({ default: 50, max: 100 });

/** The `limit` query parameter: 1..100, default 50. */
export const LimitQuerySchema = z.coerce
  .number()
  .int()
  .min(1)
  .max(PAGE_LIMITS.max)
  .default(PAGE_LIMITS.default)
  .describe('Rows per page, 1-100.');
