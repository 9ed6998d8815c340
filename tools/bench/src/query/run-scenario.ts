import { runLoad, type LoadSpec } from './load';
import type { QueryBenchOptions } from './options';
import type { ScenarioResult } from './result';
import { SCENARIOS, type ScenarioName } from './scenarios';
import type { RunningServer } from './servers';

/** What to send in one scenario: fixed paths in turn, or a new path per request. */
export type Workload = { paths: string[] } | { nextPath: () => string };

/** Checks one answer before the load: a server answering 404s fast must not pass for a fast server. */
export type AnswerCheck = (
  status: number,
  body: string,
) => { ok: true; warning?: string } | { ok: false; reason: string };

export interface ScenarioRun {
  name: ScenarioName;
  server: RunningServer;
  workload: Workload;
  headers?: Record<string, string>;
  check: AnswerCheck;
  options: Pick<QueryBenchOptions, 'durationS' | 'warmupS' | 'connections' | 'pacedRate' | 'pacedConnections'>;
  log: (line: string) => void;
}

/** Share of requests that may fail (errors, non-2xx) before a scenario counts as failed. */
const MAX_FAILED_SHARE = 0.01;

/** Check one answer, warm up, then measure one scenario against a running server. */
export async function runScenario(run: ScenarioRun): Promise<ScenarioResult> {
  const spec = SCENARIOS[run.name];
  const connections = spec.paced ? run.options.pacedConnections : run.options.connections;
  const result: ScenarioResult = {
    name: spec.name,
    target: spec.target,
    description: spec.description,
    status: 'ok',
    warnings: [],
    connections,
    ...(spec.paced ? { overallRate: run.options.pacedRate } : {}),
  };
  const firstPath = 'paths' in run.workload ? run.workload.paths[0]! : run.workload.nextPath();
  let answer: { status: number; body: string };
  try {
    const res = await fetch(`${run.server.url}${firstPath}`, {
      headers: run.headers,
      signal: AbortSignal.timeout(30_000),
    });
    answer = { status: res.status, body: await res.text() };
  } catch (err) {
    return { ...result, status: 'not run', reason: `GET ${shorten(firstPath)} failed: ${(err as Error).message}` };
  }
  const checked = run.check(answer.status, answer.body);
  if (!checked.ok) return { ...result, status: 'failed', reason: `GET ${shorten(firstPath)}: ${checked.reason}` };
  if (checked.warning) result.warnings.push(checked.warning);
  result.bodyBytes = Buffer.byteLength(answer.body);

  const load: LoadSpec = {
    url: run.server.url,
    ...run.workload,
    headers: run.headers,
    connections,
    durationS: run.options.durationS,
    serverPid: run.server.pid,
    ...(spec.paced ? { overallRate: run.options.pacedRate } : {}),
  };
  if ('paths' in run.workload) {
    // One request per path first: every connection starts at the first path, so a short
    // warm-up might never reach the last ones, and their first (cache-miss) answers, 50 at
    // once, would land in the measured window.
    for (const path of run.workload.paths)
      await (await fetch(`${run.server.url}${path}`, { headers: run.headers })).arrayBuffer();
  }
  if (run.options.warmupS > 0) {
    run.log(`  ${run.name}: warming up ${run.options.warmupS} s`);
    await runLoad({ ...load, durationS: run.options.warmupS });
  }
  run.log(
    `  ${run.name}: measuring ${run.options.durationS} s with ${connections} connections${spec.paced ? ` at ${run.options.pacedRate} requests/s` : ''}`,
  );
  result.load = await runLoad(load);

  const { errors, non2xx, responses, statusCodes, cache } = result.load;
  const failed = errors + non2xx;
  if (failed > 0) {
    const codes = Object.entries(statusCodes)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, n]) => `${n} x ${code}`);
    const detail = `${failed.toLocaleString('en')} of ${(responses + errors).toLocaleString('en')} requests failed (${[...codes, errors ? `${errors} connection errors/timeouts` : ''].filter(Boolean).join(', ')})`;
    if (failed > MAX_FAILED_SHARE * (responses + errors)) Object.assign(result, { status: 'failed', reason: detail });
    else result.warnings.push(detail);
  }
  if (spec.paced && result.load.perSecond < 0.95 * run.options.pacedRate) {
    result.warnings.push(
      `kept ${Math.round(result.load.perSecond)} of the ${run.options.pacedRate} requests/s asked: the server could not keep the pace, so its latencies include queueing`,
    );
  }
  if (spec.expectCache) {
    const expected = cache[spec.expectCache] ?? 0;
    if (cache.none === responses)
      result.warnings.push('no x-cache header on the answers: the response cache is not in the app (yet)');
    else if (expected < 0.99 * responses)
      result.warnings.push(
        `only ${((expected / responses) * 100).toFixed(1)} % of the answers were cache ${spec.expectCache === 'hit' ? 'hits' : 'misses'}`,
      );
  }
  return result;
}

/** A check for JSON answers: 200 and `inspect(parsed)` returning nothing (fine), a warning or a failure. */
export function jsonCheck(inspect: (body: unknown) => { warning?: string; failure?: string } | undefined): AnswerCheck {
  return (status, body) => {
    if (status !== 200) return { ok: false, reason: `answered ${status}: ${body.slice(0, 200)}` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { ok: false, reason: `answered 200 with a body that is not JSON: ${body.slice(0, 200)}` };
    }
    const verdict = inspect(parsed);
    if (verdict?.failure) return { ok: false, reason: verdict.failure };
    return verdict?.warning ? { ok: true, warning: verdict.warning } : { ok: true };
  };
}

function shorten(path: string): string {
  return path.length > 80 ? `${path.slice(0, 77)}...` : path;
}
