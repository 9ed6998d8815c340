/**
 * Baseline servers stop by themselves: after BENCH_LIFETIME_MS, or when the harness that
 * started them is gone (stdin, a pipe from the harness, ends), so a killed harness never
 * leaves a server behind.
 */
export function exitWhenOrphaned(lifetimeMs: number, close: () => void): void {
  const stop = () => {
    close();
    process.exit(0);
  };
  setTimeout(stop, lifetimeMs).unref();
  process.stdin.on('end', stop).on('error', stop).resume();
  process.on('SIGTERM', stop).on('SIGINT', stop);
}

/** A required environment variable (the harness always sets them). */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required (this server is started by tools/bench)`);
  return value;
}
