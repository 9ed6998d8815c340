/**
 * The webhook/email retry schedule: the delay before each attempt, the first one
 * included. The default: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 24 h (eight attempts over about 42 hours), the schedule Standard Webhooks senders use.
 */
export const DEFAULT_RETRY_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,24h';

/** At most this many attempts: a longer schedule is almost certainly a typo. */
export const MAX_SCHEDULE_ENTRIES = 30;
/** The longest single delay (7 days). */
export const MAX_RETRY_DELAY_MS = 7 * 24 * 3_600_000;

/** Each delay is moved by up to this fraction either way, so retries of many deliveries spread out. */
export const RETRY_JITTER = 0.1;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

/**
 * Parse a comma-separated schedule such as `0,5s,5m,30m` into milliseconds. Units: ms, s,
 * m, h, d; a bare number is milliseconds. Throws a TypeError naming the bad entry.
 */
export function parseRetrySchedule(text: string): number[] {
  const entries = text.split(',').map((entry) => entry.trim());
  if (entries.length === 0 || entries.some((entry) => entry === '')) {
    throw new TypeError(`expected comma-separated durations like ${DEFAULT_RETRY_SCHEDULE}; got an empty entry`);
  }
  if (entries.length > MAX_SCHEDULE_ENTRIES) {
    throw new TypeError(`expected at most ${MAX_SCHEDULE_ENTRIES} attempts; got ${entries.length}`);
  }
  return entries.map((entry) => {
    const match = DURATION.exec(entry);
    if (!match) throw new TypeError(`expected a duration like 0, 500ms, 5s, 5m, 2h or 1d; got '${entry}'`);
    const ms = Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] as number));
    if (ms > MAX_RETRY_DELAY_MS) throw new TypeError(`expected each delay to be at most 7d; got '${entry}'`);
    return ms;
  });
}

/**
 * The delay before the next attempt after `attempts` attempts (1 after the first one
 * failed), with +-10 % jitter; `undefined` when the schedule is exhausted (the delivery
 * is dead).
 */
export function nextRetryDelay(
  schedule: readonly number[],
  attempts: number,
  random: () => number = Math.random,
): number | undefined {
  const base = schedule[attempts];
  if (base === undefined) return undefined;
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
}
