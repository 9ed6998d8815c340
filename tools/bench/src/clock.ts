/**
 * Wall-clock milliseconds with sub-millisecond resolution, comparable across processes on
 * one machine: every process's timeOrigin is taken from the same system clock. Used for
 * publish -> receive latency, where the publisher and the probes are different processes.
 */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
