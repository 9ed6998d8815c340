/** Where a command writes, and how it is told to stop (Ctrl-C); tests pass their own. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Aborted when the command should finish (SIGINT, SIGTERM). */
  signal?: AbortSignal;
}

/** Exit codes: 0 done, 1 failed (refused, unreachable, rejected events), 2 usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
