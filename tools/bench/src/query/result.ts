import type { LoadResult } from './load';
import type { QueryBenchOptions } from './options';
import type { ScenarioName, ScenarioTarget } from './scenarios';
import type { SeedReport } from './seed';

/** One scenario of a run. */
export interface ScenarioResult {
  name: ScenarioName;
  target: ScenarioTarget;
  description: string;
  /** `not run`: its server could not start or answer; `failed`: the load ran but the answers were wrong. */
  status: 'ok' | 'failed' | 'not run';
  reason?: string;
  /** What does not fail it but a reader must know (e.g. x-cache not as the scenario expects). */
  warnings: string[];
  connections: number;
  /** Requests/s asked of a paced scenario. */
  overallRate?: number;
  /** Size of one answer's body, bytes. */
  bodyBytes?: number;
  load?: LoadResult;
}

/** A query API target (docs/performance.md) against what this run measured. */
export interface TargetCheck {
  target: string;
  requirement: string;
  measured: string;
  /** null: the scenario did not run. */
  met: boolean | null;
}

/** Everything one run measured: written as JSON, rendered as Markdown. */
export interface QueryBenchReport {
  startedAt: string;
  host: { cores: number; cpuModel: string; node: string; memoryGiB: number };
  options: QueryBenchOptions;
  seed: SeedReport;
  /** Where the baselines' body came from: the app's own prices-current answer, or built by the bench from the database when the app did not answer. */
  baselineBody?: { source: 'query-api' | 'database'; bytes: number };
  scenarios: ScenarioResult[];
  targets: TargetCheck[];
}
