import { randomUUID } from 'node:crypto';
import { cursorQuerySchema, decodeCursor, encodeCursor } from './cursor';

describe('page cursors', () => {
  const cursor = { at: '2026-03-04T05:06:07.123456Z', id: randomUUID() };

  it('round-trips through the opaque text', () => {
    const text = encodeCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, 'uuid')).toEqual(cursor);
    expect(decodeCursor(encodeCursor({ ...cursor, id: 'ntf_0123' }), 'text')).toEqual({ ...cursor, id: 'ntf_0123' });
  });

  it.each([
    ['not base64 JSON', 'bogus'],
    [
      'an object instead of a pair',
      Buffer.from(JSON.stringify({ at: cursor.at, id: cursor.id })).toString('base64url'),
    ],
    ['a timestamp without microseconds', encodeCursor({ ...cursor, at: '2026-03-04T05:06:07.123Z' })],
    ['a timestamp that does not exist', encodeCursor({ ...cursor, at: '2026-02-30T25:06:07.123456Z' })],
    ['an id that is not a uuid', encodeCursor({ ...cursor, id: 'ntf_1' })],
    ['an empty id', encodeCursor({ ...cursor, id: '' })],
  ])('rejects %s', (_name, text) => {
    expect(decodeCursor(text, 'uuid')).toBeNull();
  });

  it('is a query field that names what it expects', () => {
    const schema = cursorQuerySchema('uuid');
    expect(schema.parse(encodeCursor(cursor))).toEqual(cursor);
    const result = schema.safeParse('bogus');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected the nextCursor of a previous page of this listing');
  });
});
