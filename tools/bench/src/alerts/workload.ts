import type { Queryable } from '@defi-realtime/db';

/**
 * The alert-evaluation workload: targets (half tokens, half protocols), rules around
 * each target's value (mixed types, some on one chain), window history, and events whose
 * values random-walk around the targets' values so rules keep crossing and re-arming.
 */

const CHAINS = ['ethereum', 'arbitrum'] as const;
const WINDOWS_SEC = [300, 3_600, 86_400] as const;
const COOLDOWNS_SEC = [60, 300, 3_600] as const;
const HOUR = 3_600_000;

export interface Target {
  kind: 'price' | 'tvl';
  /** tokenId or protocolId. */
  id: string;
  label: string;
  /** A token's chain (its events carry it); unused for protocols, whose events alternate total and chains. */
  chain: string;
  base: number;
}

export interface WorkloadSize {
  rules: number;
  targets: number;
  events: number;
}

/** A deterministic pseudo-random source (mulberry32), so every run measures the same workload. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` targets: even indexes tokens, odd ones protocols. */
export function makeTargets(count: number): Target[] {
  return Array.from({ length: count }, (_, i): Target =>
    i % 2 === 0
      ? {
          kind: 'price',
          id: `coingecko:bench-token-${i}`,
          label: `BT${i}`,
          chain: CHAINS[(i / 2) % 2]!,
          base: 1 + (i % 97) * 13.7,
        }
      : {
          kind: 'tvl',
          id: `bench-protocol-${i}`,
          label: `Bench Protocol ${i}`,
          chain: '',
          base: 1e8 + (i % 89) * 3.1e7,
        },
  );
}

/** Insert `rulesPerTarget` enabled rules per target, in chunks. */
export async function insertRules(
  db: Queryable,
  targets: Target[],
  rulesPerTarget: number,
  rand: () => number,
): Promise<number> {
  const columns = {
    owner: [] as string[],
    type: [] as string[],
    token: [] as (string | null)[],
    protocol: [] as (string | null)[],
    chain: [] as (string | null)[],
    threshold: [] as number[],
    window: [] as (number | null)[],
    cooldown: [] as number[],
  };
  let inserted = 0;
  const flush = async () => {
    if (columns.type.length === 0) return;
    await db.query(
      `INSERT INTO alert_rules (owner, type, token_id, protocol_id, chain, threshold, window_sec, cooldown_sec, rearm_pct, channels)
       SELECT o, t, tk, p, c, th, w, cd, 0.5, '[{"type":"websocket"}]'::jsonb
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::int[], $8::int[]) AS u(o, t, tk, p, c, th, w, cd)`,
      [
        columns.owner,
        columns.type,
        columns.token,
        columns.protocol,
        columns.chain,
        columns.threshold,
        columns.window,
        columns.cooldown,
      ],
    );
    inserted += columns.type.length;
    for (const list of Object.values(columns)) list.length = 0;
  };
  for (const target of targets) {
    for (let k = 0; k < rulesPerTarget; k++) {
      const kind = k % 3; // 0 above, 1 below, 2 change
      const prefix = target.kind === 'price' ? 'price' : 'tvl';
      const u = rand();
      columns.owner.push(`bench-owner-${k % 50}`);
      columns.type.push(`${prefix}_${kind === 0 ? 'above' : kind === 1 ? 'below' : 'change_pct'}`);
      columns.token.push(target.kind === 'price' ? target.id : null);
      columns.protocol.push(target.kind === 'tvl' ? target.id : null);
      // One in ten on one chain, one in ten on another (a token's other chain never sees its
      // events; a protocol has TVL on both), the rest any chain (tokens) or the total (protocols).
      const first = target.kind === 'price' ? target.chain : CHAINS[0];
      columns.chain.push(k % 10 === 0 ? first : k % 10 === 1 ? otherChain(first) : null);
      // Levels 0.3-3 % away from the value, changes of 0.3-3 % either way: the walk (about
      // 0.6 % standard deviation) crosses the nearer ones now and then, as markets do.
      const distance = 0.3 + u * 2.7;
      columns.threshold.push(
        kind === 0
          ? target.base * (1 + distance / 100)
          : kind === 1
            ? target.base * (1 - distance / 100)
            : (k % 2 ? 1 : -1) * distance,
      );
      columns.window.push(kind === 2 ? WINDOWS_SEC[k % 3]! : null);
      columns.cooldown.push(COOLDOWNS_SEC[k % 3]!);
      if (columns.type.length >= 10_000) await flush();
    }
  }
  await flush();
  return inserted;
}

/** History for the window rules: points 25 h, 61 min and 6 min before `start`, near each target's value. */
export async function insertHistory(
  db: Queryable,
  targets: Target[],
  start: number,
  rand: () => number,
): Promise<void> {
  const times = [start - 25 * HOUR, start - 61 * 60_000, start - 6 * 60_000].map((t) => new Date(t).toISOString());
  const prices = { id: [] as string[], ts: [] as string[], value: [] as number[] };
  const tvls = { id: [] as string[], chain: [] as string[], ts: [] as string[], value: [] as number[] };
  for (const target of targets) {
    for (const ts of times) {
      if (target.kind === 'price') {
        prices.id.push(target.id);
        prices.ts.push(ts);
        prices.value.push(target.base * (1 + (rand() - 0.5) * 0.004));
      } else {
        for (const chain of ['', ...CHAINS]) {
          tvls.id.push(target.id);
          tvls.chain.push(chain);
          tvls.ts.push(ts);
          tvls.value.push((chain === '' ? target.base : target.base / 2) * (1 + (rand() - 0.5) * 0.004));
        }
      }
    }
  }
  await db.query(
    'INSERT INTO price_points (token_id, ts, price) SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::float8[])',
    [prices.id, prices.ts, prices.value],
  );
  await db.query(
    'INSERT INTO tvl_points (protocol_id, chain, ts, tvl) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[])',
    [tvls.id, tvls.chain, tvls.ts, tvls.value],
  );
}

/**
 * `count` event envelopes (JSON), observed at 10 per millisecond from `start` (a stream
 * of 10,000 events/s): each picks a target at random and moves its value by up to
 * +-0.2 %, pulled back towards the base so it wanders around the thresholds.
 */
export function makeEvents(targets: Target[], count: number, start: number, rand: () => number): string[] {
  const values = targets.map((t) => t.base);
  const chainValues = targets.map((t) => CHAINS.map(() => t.base / 2));
  const events: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = Math.floor(rand() * targets.length);
    const target = targets[n]!;
    const ts = start + Math.floor(i / 10);
    const step = (v: number, base: number) => v * (1 + (rand() - 0.5) * 0.004) + (base - v) * 0.02;
    if (target.kind === 'price') {
      const price = (values[n] = step(values[n]!, target.base));
      events.push(
        JSON.stringify({
          eventId: `bench-${i}`,
          type: 'price_update',
          source: 'bench',
          timestamp: ts,
          data: {
            tokenId: target.id,
            symbol: target.label,
            chain: target.chain,
            price,
            previousPrice: price,
            changePercent: 0,
            timestamp: ts,
          },
        }),
      );
      continue;
    }
    // Half the TVL events are the protocol's total, half one of its chains.
    const c = (i % 4) - 2; // -2, -1: total; 0, 1: CHAINS[c]
    const chain = c >= 0 ? CHAINS[c as 0 | 1] : undefined;
    const tvl =
      c < 0
        ? (values[n] = step(values[n]!, target.base))
        : (chainValues[n]![c] = step(chainValues[n]![c]!, target.base / 2));
    events.push(
      JSON.stringify({
        eventId: `bench-${i}`,
        type: 'tvl_update',
        source: 'bench',
        timestamp: ts,
        data: {
          protocolId: target.id,
          protocolName: target.label,
          ...(chain ? { chain } : {}),
          tvl,
          previousTvl: tvl,
          changePercent: 0,
          timestamp: ts,
        },
      }),
    );
  }
  return events;
}

function otherChain(chain: string): string {
  return chain === 'ethereum' ? 'arbitrum' : 'ethereum';
}
