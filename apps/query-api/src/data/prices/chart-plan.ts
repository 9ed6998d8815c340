/** What `/chart` was asked for, in unix seconds. */
export interface ChartRequest {
  start?: number;
  end?: number;
  /** Number of points; default: from `start` to `end` (or now), or 1 when there is no start. */
  span?: number;
  periodSec: number;
  nowSec: number;
}

/** Why a chart request cannot be planned, and which query field to blame. */
export class ChartPlanError extends Error {
  override readonly name = 'ChartPlanError';
  constructor(
    readonly field: 'start' | 'end' | 'span',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The target times of a chart, oldest first, as DefiLlama's /chart lays them out: forward
 * from `start` every `period` (up to `span` points, never past `end` or now), or backward
 * from `end` (default now) for `span` points (default 1). At most `maxPoints` points.
 */
export function chartTargets(request: ChartRequest, maxPoints: number): number[] {
  const { start, span, periodSec, nowSec } = request;
  const end = request.end ?? nowSec;
  if (start !== undefined && request.end !== undefined && start > request.end)
    throw new ChartPlanError('end', `must not be before query.start (${start})`);
  let count: number;
  if (start === undefined) count = span ?? 1;
  else {
    const available = Math.floor((Math.min(end, nowSec) - start) / periodSec) + 1;
    count = Math.max(0, span === undefined ? available : Math.min(span, available));
  }
  if (count > maxPoints) {
    throw new ChartPlanError(
      span === undefined ? 'start' : 'span',
      `at most ${maxPoints} points per request (coins x points): raise query.period or narrow the range`,
    );
  }
  const targets: number[] = [];
  for (let i = 0; i < count; i++)
    targets.push(start === undefined ? end - (count - 1 - i) * periodSec : start + i * periodSec);
  return targets;
}
