import type { EngineHarness, HarnessFactory } from '../harness';

/** A fresh harness per test, cleaned up after it; also fails a test whose nodes falsely declared a live peer down. */
export function useHarness(factory: HarnessFactory): () => EngineHarness {
  let harness: EngineHarness | undefined;
  beforeEach(async () => {
    harness = await factory();
  });
  afterEach(async () => {
    const h = harness;
    harness = undefined;
    if (!h) return;
    await h.cleanup();
    const falseAlarms = h.logs.filter((l) => l.msg?.includes('declared down by its peers'));
    expect(falseAlarms).toEqual([]);
  });
  return () => {
    if (!harness) throw new Error('harness used outside a test');
    return harness;
  };
}

/** Short liveness timings for tests; the timeout leaves room for a busy, shared machine. */
export const FAST_LIVENESS = { heartbeatMs: 100, nodeTimeoutMs: 500 } as const;
