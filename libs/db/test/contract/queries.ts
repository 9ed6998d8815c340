import { DatabaseError } from '../../src/errors';
import { uniqueSuffix, type GetTestDatabase } from '../helpers';

/** query(), transaction() and error wrapping on one engine. */
export function queryTests(get: GetTestDatabase): void {
  it('round-trips numeric, double, int8, timestamptz, jsonb, text[] and boolean parameters', async () => {
    const ts = new Date('2024-03-01T12:34:56.789Z');
    const json = { a: 1, nested: { list: [1, 'two', null] }, text: 'é "quoted"' };
    const { rows } = await get().db.query(
      `SELECT $1::numeric AS n, $2::double precision AS d, $3::int8 AS big, $4::timestamptz AS t,
              $5::jsonb AS j, $6::text[] AS arr, $7::boolean AS b, $8::int AS i, $9::text AS nothing`,
      ['12345678901234567890.123456789', 1.5, '9007199254740993', ts, json, ['a', 'b,c', '"q"', ''], true, 42, null],
    );
    expect(rows).toEqual([
      {
        n: '12345678901234567890.123456789',
        d: 1.5,
        big: '9007199254740993',
        t: ts,
        j: json,
        arr: ['a', 'b,c', '"q"', ''],
        b: true,
        i: 42,
        nothing: null,
      },
    ]);
  });

  it('stores and reads rows with the same types (timestamptz as Date, jsonb parsed, text[] as array)', async () => {
    const { db } = get();
    const id = `p-${uniqueSuffix()}`;
    const listed = new Date('2021-05-05T00:00:00.000Z');
    await db.query('INSERT INTO protocols (id, name, chains, listed_at, metadata) VALUES ($1, $2, $3, $4, $5)', [
      id,
      'Proto',
      ['ethereum', 'arbitrum'],
      listed,
      { audits: 2 },
    ]);
    const { rows } = await db.query('SELECT chains, listed_at, metadata, delisted_at FROM protocols WHERE id = $1', [
      id,
    ]);
    expect(rows).toEqual([
      { chains: ['ethereum', 'arbitrum'], listed_at: listed, metadata: { audits: 2 }, delisted_at: null },
    ]);
  });

  it('reports rowCount for SELECT, INSERT, UPDATE and DELETE', async () => {
    const { db } = get();
    const token = `coingecko:rc-${uniqueSuffix()}`;
    const insert = await db.query(
      "INSERT INTO price_points (token_id, ts, price) VALUES ($1, now(), 1), ($1, now() - interval '1 minute', 2)",
      [token],
    );
    expect(insert.rowCount).toBe(2);
    expect((await db.query('UPDATE price_points SET price = price + 1 WHERE token_id = $1', [token])).rowCount).toBe(2);
    expect((await db.query('SELECT * FROM price_points WHERE token_id = $1', [token])).rowCount).toBe(2);
    expect((await db.query('DELETE FROM price_points WHERE token_id = $1', [token])).rowCount).toBe(2);
  });

  it('commits a transaction and returns its result', async () => {
    const { db } = get();
    const id = `coingecko:tx-${uniqueSuffix()}`;
    const result = await db.transaction(async (tx) => {
      await tx.query('INSERT INTO tokens (id, symbol) VALUES ($1, $2)', [id, 'TX']);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM tokens WHERE id = $1', [id])).rows[0]?.n;
    });
    expect(result).toBe(1);
    expect((await db.query('SELECT symbol FROM tokens WHERE id = $1', [id])).rows).toEqual([{ symbol: 'TX' }]);
  });

  it('rolls back when the function throws, and rethrows that same error', async () => {
    const { db } = get();
    const id = `coingecko:rb-${uniqueSuffix()}`;
    const boom = new Error('domain failure');
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO tokens (id, symbol) VALUES ($1, $2)', [id, 'RB']);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect((await db.query('SELECT 1 FROM tokens WHERE id = $1', [id])).rowCount).toBe(0);
  });

  it('rolls back when a statement fails, surfacing it as a DatabaseError, and refuses the finished tx', async () => {
    const { db } = get();
    const id = `coingecko:fail-${uniqueSuffix()}`;
    let leaked: { query: (sql: string) => Promise<unknown> } | undefined;
    const failure = db.transaction(async (tx) => {
      leaked = tx;
      await tx.query('INSERT INTO tokens (id, symbol) VALUES ($1, $2)', [id, 'F']);
      await tx.query('INSERT INTO price_points (token_id, ts, price) VALUES ($1, now(), -1)', [id]);
    });
    await expect(failure).rejects.toMatchObject({
      name: 'DatabaseError',
      code: '23514',
      constraint: 'price_points_price_check',
    });
    expect((await db.query('SELECT 1 FROM tokens WHERE id = $1', [id])).rowCount).toBe(0);
    await expect(leaked?.query('SELECT 1')).rejects.toThrow(/transaction has already ended/);
    // The engine is still usable afterwards (the connection went back clean).
    expect((await db.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('fails the commit (25P02) when fn swallowed a failed statement, instead of losing writes silently', async () => {
    const { db } = get();
    const id = `coingecko:swallowed-${uniqueSuffix()}`;
    const failure = db.transaction(async (tx) => {
      await tx.query('INSERT INTO tokens (id, symbol) VALUES ($1, $2)', [id, 'S']);
      await tx.query('SELECT 1 / 0').catch(() => undefined);
      return 'done';
    });
    await expect(failure).rejects.toMatchObject({ name: 'DatabaseError', code: '25P02', operation: 'commit' });
    expect((await db.query('SELECT 1 FROM tokens WHERE id = $1', [id])).rowCount).toBe(0);
  });

  it('wraps driver errors: name, SQLSTATE, operation and cause kept, parameter values never in the message', async () => {
    const secret = 'hunter2-secret-value';
    const error = await get()
      .db.query('SELECT $1::int AS n, $2::text AS label', [secret, 'x'])
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(error).toBeInstanceOf(DatabaseError);
    const dbError = error as DatabaseError;
    expect(dbError.name).toBe('DatabaseError');
    expect(dbError.code).toBe('22P02');
    expect(dbError.operation).toBe('query');
    expect(dbError.message).toMatch(/^query failed \(22P02\): invalid input syntax for type integer/);
    expect(dbError.message).toContain('SELECT $1::int AS n');
    expect(dbError.message).not.toContain(secret);
    expect(dbError.cause).toBeInstanceOf(Error);
    expect(String((dbError.cause as Error).message)).toContain(secret); // the driver's own error is kept as is
  });

  it('names the operation for syntax errors in exec()', async () => {
    await expect(get().db.exec('CREATE TABLE oops (;')).rejects.toMatchObject({
      name: 'DatabaseError',
      code: '42601',
      operation: 'exec',
    });
  });
}
