import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { eventually } from '@defi-realtime/runtime/testing';
import { RuleIndex } from '../../src/evaluation/rule-index';
import { startRuleSync, type RuleSync } from '../../src/evaluation/rule-sync';
import { insertRule } from './rules';

const silent = { info: () => {}, warn: () => {}, error: () => {} };
// How long a change may take to arrive: a notification is sub-second, but a busy machine
// can delay it by seconds, and with no reload timer nothing else could bring it.
const NOTIFIED_MS = 10_000;

describe('startRuleSync (PostgreSQL)', () => {
  let t: TestDatabase;
  let index: RuleIndex;
  let sync: RuleSync | undefined;
  const deleted: string[] = [];

  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterEach(async () => {
    await sync?.stop();
    sync = undefined;
    await t.db.query('DELETE FROM alert_rules');
    deleted.length = 0;
  });
  afterAll(() => t.cleanup());

  const start = async (reloadMs = 0) => {
    index = new RuleIndex();
    sync = await startRuleSync(t.db, index, {
      reloadMs,
      logger: silent,
      onDeleted: async (ids) => void deleted.push(...ids),
    });
  };

  it('loads the enabled rules at start', async () => {
    const on = await insertRule(t.db);
    await insertRule(t.db, { enabled: false });
    await start();
    expect([...index.ids()]).toEqual([on]);
  });

  it('follows inserts, updates, disables and deletes made in PostgreSQL, by notification (no reload timer)', async () => {
    await start();
    const id = await insertRule(t.db, { threshold: 4000 });
    await eventually(() => expect(index.get(id)?.threshold).toBe(4000), NOTIFIED_MS);

    await t.db.query("UPDATE alert_rules SET threshold = 4500, token_id = 'coingecko:bitcoin' WHERE id = $1", [id]);
    await eventually(
      () => expect(index.tokenRules('coingecko:bitcoin')?.anyChain.map((r) => r.threshold)).toEqual([4500]),
      NOTIFIED_MS,
    );
    expect(index.tokenRules('coingecko:ethereum')).toBeUndefined();

    await t.db.query('UPDATE alert_rules SET enabled = false WHERE id = $1', [id]);
    await eventually(() => expect(index.get(id)).toBeUndefined(), NOTIFIED_MS);
    expect(deleted).toEqual([]); // disabled, not deleted: its state stays

    await t.db.query('UPDATE alert_rules SET enabled = true WHERE id = $1', [id]);
    await eventually(() => expect(index.get(id)).toBeDefined(), NOTIFIED_MS);
    await t.db.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    await eventually(() => expect(deleted).toEqual([id]), NOTIFIED_MS);
    expect(index.size).toBe(0);
  });

  it('takes a burst of changes, one query per thousand rules', async () => {
    await start();
    await t.db.query(
      `INSERT INTO alert_rules (owner, type, token_id, threshold, channels)
       SELECT 'bulk', 'price_above', 'coingecko:t' || (i % 50), i, '[{"type":"websocket"}]' FROM generate_series(1, 2500) i`,
    );
    await eventually(() => expect(index.size).toBe(2_500), NOTIFIED_MS);
    expect(index.targets).toBe(50);
  });

  it('reloads everything on its timer, catching changes whose notification was lost', async () => {
    await start(200);
    // Written with the trigger off for this session: no notification is sent.
    const id = await t.db.transaction(async (tx) => {
      await tx.query("SET LOCAL session_replication_role = 'replica'");
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO alert_rules (owner, type, token_id, threshold, channels) VALUES ('quiet', 'price_below', 'coingecko:solana', 100, '[]') RETURNING id`,
      );
      return rows[0]!.id;
    });
    await eventually(() => expect(index.get(id)?.type).toBe('price_below'), NOTIFIED_MS);
    await t.db.transaction(async (tx) => {
      await tx.query("SET LOCAL session_replication_role = 'replica'");
      await tx.query('DELETE FROM alert_rules WHERE id = $1', [id]);
    });
    await eventually(() => expect(deleted).toEqual([id]), NOTIFIED_MS);
  });
});
