import type { ChildProcess } from 'node:child_process';

// Every process the harness starts is registered here, so that however the harness ends
// (done, error, Ctrl-C, SIGTERM) none of them is left running.

const children = new Set<ChildProcess>();

/** Register a child; it leaves the registry when it exits. */
export function track<T extends ChildProcess>(child: T): T {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL for one that is still there after `graceMs`. Resolves when it exited. */
export function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Stop every registered child. */
export async function stopAll(graceMs?: number): Promise<void> {
  await Promise.all([...children].map((child) => stopChild(child, graceMs)));
}

/** Make sure no child outlives the harness, whatever ends it. Call once at start-up. */
export function installExitHandlers(log: (line: string) => void): void {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return; // a second Ctrl-C while stopping: the 'exit' handler kills the rest
    interrupted = true;
    log(`\n${signal}: stopping ${children.size} child process(es)...`);
    void stopAll(2000).finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Synchronous last resort (exit handlers cannot wait): SIGKILL whatever is left.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
}
