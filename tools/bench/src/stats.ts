/** p50/p95/p99/max of a set of samples (milliseconds unless said otherwise). */
export interface Summary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/**
 * The q-th percentile (0..100) of ascending `sorted`, nearest-rank method: the smallest
 * sample with at least q % of the samples at or below it. No interpolation, so every
 * reported value is a latency that really happened. NaN for no samples.
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 100)) throw new RangeError(`percentile must be within 0..100, got ${q}`);
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((q / 100) * n));
  return sorted[rank - 1]!;
}

/** Summarize samples in any order (the input is not modified). */
export function summarize(samples: ArrayLike<number>): Summary {
  // A Float64Array sorts numerically and fast, and copying keeps the caller's order.
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    count: n,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: n ? sorted[n - 1]! : Number.NaN,
    mean: n ? sum / n : Number.NaN,
  };
}

/** `value / base`, or NaN when either is missing or the base is zero. */
export function ratio(value: number | undefined, base: number | undefined): number {
  if (value === undefined || base === undefined || !Number.isFinite(value) || !Number.isFinite(base) || base === 0) {
    return Number.NaN;
  }
  return value / base;
}
