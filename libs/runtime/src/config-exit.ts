import { spawnSync } from 'node:child_process';

/** How an app's `main.ts` ended. */
export interface MainExit {
  status: number | null;
  stderr: string;
}

/**
 * Run an app's `src/main.ts` (through tsx) with `env` over this process's environment and
 * wait for it to end: for tests of a configuration the app must refuse at start-up
 * (exit code 2, the variable named on stderr). Killed after `timeoutMs`.
 */
export function runMainSync(mainPath: string, env: NodeJS.ProcessEnv, timeoutMs = 30_000): MainExit {
  const result = spawnSync(process.execPath, ['--import', 'tsx', mainPath], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { status: result.status, stderr: result.stderr };
}
