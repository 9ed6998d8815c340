import type { Transaction } from './database';

/** Tables whose inserts and updates are announced by NOTIFY (triggers from 001_initial.sql). */
export type ChangeTable = 'price_points' | 'tvl_points';

/**
 * The channel a point table's trigger notifies: `<schema>.<table>`, e.g.
 * `public.price_points`. The schema is part of it because NOTIFY channels are shared by
 * the whole database, and tests (or deployments) in other schemas must not hear ours.
 * The payload is the row as JSON (`row_to_json`), timestamps in ISO 8601.
 */
export function changeChannel(table: ChangeTable, schema = 'public'): string {
  return `${schema}.${table}`;
}

/** The setting the triggers read; `off` for the current transaction silences them. */
export const CHANGE_NOTIFY_SETTING = 'defi_realtime.notify';

/**
 * Silence the change triggers for the rest of this transaction: the event processor writes
 * the history of events it already published, and must not hear them back.
 */
export async function suppressChangeNotifications(tx: Transaction): Promise<void> {
  await tx.query('SELECT set_config($1, $2, true)', [CHANGE_NOTIFY_SETTING, 'off']);
}
