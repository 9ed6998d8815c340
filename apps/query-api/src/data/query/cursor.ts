import { z } from 'zod';

export const PROTOCOL_SORTS = ['tvl', 'change_1h', 'change_1d', 'change_7d', 'name'] as const;
export type ProtocolSort = (typeof PROTOCOL_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/**
 * Where a page of /v2/query/protocols ended: the sort it belongs to, the last row's sort
 * value (null once past the rows that have one: change sorts list those last) and id.
 */
export interface ProtocolCursor {
  sort: ProtocolSort;
  order: SortOrder;
  value: number | string | null;
  id: string;
}

const CursorSchema = z.strictObject({
  s: z.enum(PROTOCOL_SORTS),
  o: z.enum(['asc', 'desc']),
  v: z.union([z.number(), z.string().max(400), z.null()]),
  id: z.string().min(1).max(100),
});

/** The opaque cursor clients pass back: base64url of compact JSON. */
export function encodeCursor(cursor: ProtocolCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.sort, o: cursor.order, v: cursor.value, id: cursor.id })).toString(
    'base64url',
  );
}

/**
 * The cursor in `text`, or undefined when it is not one this API produced: not base64url
 * JSON of the right shape, or a sort value of the wrong type for its sort.
 */
export function decodeCursor(text: string): ProtocolCursor | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = CursorSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { s: sort, o: order, v: value, id } = parsed.data;
  const valueOk =
    sort === 'name'
      ? typeof value === 'string'
      : sort === 'tvl'
        ? typeof value === 'number'
        : value === null || typeof value === 'number';
  return valueOk ? { sort, order, value, id } : undefined;
}
