import { runCli } from '../../src/run';
import { runCliProcess, type CliRun } from '../../src/testing';

export { exitCode, spawnCli, type CliProcess } from '../../src/testing';

/** The CLI run in-process: exit code and what it printed. */
export async function cli(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** `defi-realtime keys <args>` as its own process (what `npm run keys --` runs). */
export function runKeysCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  return runCliProcess(['keys', ...args], env);
}
