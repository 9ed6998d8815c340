import { readdirSync, readFileSync } from 'node:fs';
import { processCpuMicros } from '../proc-stats';

/** Process names of the data stores the query API uses. */
const STORES = new Set(['postgres', 'redis-server']);

/**
 * CPU time (microseconds) used so far by every PostgreSQL and Redis process on this
 * machine, per pid and in total. A query API's cost is partly theirs (SQL, cache reads);
 * without this it would show up as "other processes". Backends that exited between two
 * snapshots are missing from the later one, so a difference is a lower bound.
 */
export function storesCpuMicros(): { total: number; byPid: Map<number, number> } {
  const byPid = new Map<number, number>();
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!STORES.has(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) continue;
      const micros = processCpuMicros(Number(entry));
      byPid.set(Number(entry), micros);
      total += micros;
    } catch {
      // exited while we looked
    }
  }
  return { total, byPid };
}

/** CPU used between two snapshots by the processes alive at the second (new ones count whole). */
export function storesCpuDelta(
  before: ReturnType<typeof storesCpuMicros>,
  after: ReturnType<typeof storesCpuMicros>,
): number {
  let delta = 0;
  for (const [pid, micros] of after.byPid) delta += micros - Math.min(micros, before.byPid.get(pid) ?? 0);
  return delta;
}
