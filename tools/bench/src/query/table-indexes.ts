import type { Database, Queryable } from '@defi-realtime/db';

/** An index of a table as it can be created again: a constraint (primary key, unique) or a plain index. */
export interface IndexDefinition {
  name: string;
  /** Set for indexes that back a constraint: recreated with ALTER TABLE ... ADD CONSTRAINT. */
  constraint: boolean;
  /** pg_get_constraintdef (`PRIMARY KEY (...)`) or pg_get_indexdef (`CREATE INDEX ...`). */
  definition: string;
}

/**
 * Every index of `table` in the current schema, constraints first (a primary key before
 * the indexes that might be built from it). Whatever migrations add later is included.
 */
export async function tableIndexes(db: Queryable, table: string): Promise<IndexDefinition[]> {
  const { rows } = await db.query<IndexDefinition>(
    `SELECT i.relname AS name, con.oid IS NOT NULL AS constraint,
            CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid) ELSE pg_get_indexdef(i.oid) END AS definition
     FROM pg_index x
     JOIN pg_class i ON i.oid = x.indexrelid
     JOIN pg_class t ON t.oid = x.indrelid
     JOIN pg_namespace n ON n.oid = t.relnamespace
     LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = t.oid
     WHERE n.nspname = current_schema() AND t.relname = $1
     ORDER BY con.oid IS NULL, i.relname`,
    [table],
  );
  return rows;
}

/** Drop the indexes (and their constraints) of `table`; returns what `recreateIndexes` needs. */
export async function dropIndexes(db: Database, table: string): Promise<IndexDefinition[]> {
  const indexes = await tableIndexes(db, table);
  await db.transaction(async (tx) => {
    // Plain indexes first: none may depend on a constraint's index, but the reverse order
    // would fail if one did.
    for (const index of [...indexes].reverse()) {
      await tx.query(
        index.constraint
          ? `ALTER TABLE ${table} DROP CONSTRAINT ${quote(index.name)}`
          : `DROP INDEX ${quote(index.name)}`,
      );
    }
  });
  return indexes;
}

/**
 * Build the dropped indexes again, one transaction each, with memory for the sort:
 * building after the load sorts once instead of maintaining the B-trees row by row.
 * Returns seconds per index.
 */
export async function recreateIndexes(
  db: Database,
  table: string,
  indexes: IndexDefinition[],
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const seconds: Record<string, number> = {};
  for (const index of indexes) {
    const started = performance.now();
    await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL maintenance_work_mem = '1GB'`);
      await tx.query(
        index.constraint
          ? `ALTER TABLE ${table} ADD CONSTRAINT ${quote(index.name)} ${index.definition}`
          : index.definition,
      );
    });
    seconds[index.name] = (performance.now() - started) / 1000;
    log(`  index ${index.name} built in ${seconds[index.name]!.toFixed(1)} s`);
  }
  return seconds;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
