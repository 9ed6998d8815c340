import type { IncomingMessage, ServerResponse } from 'node:http';

/** Resolves when a dependency is reachable; throws (or rejects) when it is not. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

/**
 * `/healthz` answers "is the process up"; `/readyz` answers "can it serve": every
 * dependency check must pass within the timeout, and a draining process is not ready.
 */
export class Health {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  constructor(private readonly timeoutMs = 2_000) {}

  /** Add a dependency check (e.g. `redis`, `database`). */
  addCheck(name: string, check: ReadinessCheck): this {
    this.checks.set(name, check);
    return this;
  }

  /** Mark the process as shutting down: readiness fails from now on. */
  setDraining(): void {
    this.draining = true;
  }

  async readiness(): Promise<HealthReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await runCheck(check, this.timeoutMs)] as const),
    );
    const checks = Object.fromEntries(entries);
    if (this.draining) checks.shutdown = { ok: false, ms: 0, error: 'draining' };
    const ok = Object.values(checks).every((c) => c.ok);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }

  /**
   * A node:http handler for `/healthz` and `/readyz`. Returns false for other paths so
   * the caller can route them.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      this.readiness().then(
        (report) => sendJson(res, report.status === 'ok' ? 200 : 503, report),
        (err: unknown) => sendJson(res, 503, { status: 'unavailable', error: String(err) }),
      );
      return true;
    }
    return false;
  }
}

async function runCheck(check: ReadinessCheck, timeoutMs: number) {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    return {
      ok: false,
      ms: Math.round(performance.now() - started),
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
