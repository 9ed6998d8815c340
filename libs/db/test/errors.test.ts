import { DatabaseError, summarizeSql, toDatabaseError } from '../src/errors';
import { assertPostgresUrl, maskUrl, quoteIdent } from '../src/names';

describe('toDatabaseError', () => {
  const serverError = (message: string, code: string) => Object.assign(new Error(message), { code });

  it('redacts quoted and long unquoted parameter values, keeps the rest of the message', () => {
    const err = toDatabaseError(
      'query',
      serverError('invalid input syntax for type json: "x" near tokenvalue-123', '22P02'),
      ['x', 'tokenvalue-123'],
    );
    expect(err.message).toBe('query failed (22P02): invalid input syntax for type json: "$1" near $2');
  });

  it('redacts values inside arrays, Dates and objects', () => {
    const when = new Date('2024-01-01T00:00:00Z');
    const err = toDatabaseError('query', serverError(`bad "${when.toISOString()}" "inner-secret" {"k":"v"}`, 'XX000'), [
      when,
      ['inner-secret'],
      { k: 'v' },
    ]);
    expect(err.message).not.toMatch(/2024-01-01|inner-secret|"k"/);
  });

  it('keeps SQLSTATE codes only: a socket error code is not one', () => {
    const socket = Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write', errno: -32 });
    expect(toDatabaseError('query', socket).code).toBeUndefined();
    expect(toDatabaseError('query', serverError('boom', '42P01')).code).toBe('42P01');
  });

  it('describes an AggregateError by its first error (Node reports refused addresses that way)', () => {
    const aggregate = new AggregateError([new Error('connect ECONNREFUSED ::1:1')], '');
    expect(toDatabaseError('connect', aggregate).message).toBe('connect failed: connect ECONNREFUSED ::1:1');
  });

  it('returns a DatabaseError unchanged and keeps the cause', () => {
    const original = new DatabaseError('query', 'query failed: x');
    expect(toDatabaseError('exec', original)).toBe(original);
    const cause = serverError('boom', '40001');
    expect(toDatabaseError('commit', cause).cause).toBe(cause);
  });

  it('summarizes SQL without comments, whitespace collapsed, truncated', () => {
    expect(summarizeSql('-- a comment\nSELECT  1\n  FROM t')).toBe('SELECT 1 FROM t');
    expect(summarizeSql(`SELECT ${'x'.repeat(200)}`)).toHaveLength(80);
  });
});

describe('names', () => {
  it('masks passwords in URLs and validates the scheme', () => {
    expect(maskUrl('postgres://u:p%40ss@h:5432/db')).toBe('postgres://u:***@h:5432/db');
    expect(() => assertPostgresUrl('postgresql://h/db')).not.toThrow();
    expect(() => assertPostgresUrl('not a url')).toThrow(TypeError);
  });

  it('quotes identifiers', () => {
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
