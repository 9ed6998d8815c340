import { createDatabase } from '../src/index';
import { databaseUrlForTests, requirePostgres, uniqueSchemaName } from '../src/testing';

// Apps get their schema from DATABASE_URL (`?options=-c search_path=...`): NOTIFY channels
// are named after it, so `db.schema` must be the real one, or listeners hear nothing.
describe('schema from the URL', () => {
  const url = databaseUrlForTests();

  it('takes the search_path of the URL as db.schema', async () => {
    await requirePostgres(url);
    const schema = uniqueSchemaName('url');
    const owner = await createDatabase({ url, schema });
    const db = await createDatabase({ url: `${url}?options=${encodeURIComponent(`-c search_path=${schema}`)}` });
    try {
      expect(db.schema).toBe(schema);
      const heard: string[] = [];
      const unlisten = await db.listen(`${db.schema}.ping`, (payload) => heard.push(payload));
      await owner.query(`SELECT pg_notify($1, 'hello')`, [`${schema}.ping`]);
      for (let i = 0; i < 100 && heard.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(heard).toEqual(['hello']);
      await unlisten();
    } finally {
      await db.close();
      await owner.exec(`DROP SCHEMA ${schema} CASCADE`);
      await owner.close();
    }
  });

  it('is public without a schema anywhere', async () => {
    const db = await createDatabase({ url });
    expect(db.schema).toBe('public');
    await db.close();
  });
});
