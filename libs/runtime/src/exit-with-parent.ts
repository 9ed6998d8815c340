/*
 * Preloaded (`--import`) into the app processes spawnApp starts. When the test process that
 * started an app is gone, even killed with no chance to run its 'exit' handlers (Jest ending
 * a worker, a CI job cancelled), the IPC channel to it closes: the app then stops as on
 * SIGTERM, so no app outlives its test run. Not in cluster workers, whose channel is their
 * primary's, which disconnects them on purpose when it drains.
 */
if (process.channel && process.env.NODE_UNIQUE_ID === undefined) {
  process.once('disconnect', () => {
    process.kill(process.pid, 'SIGTERM');
    setTimeout(() => process.exit(1), 10_000).unref();
  });
  // The channel alone must not keep an app alive that would otherwise exit.
  process.channel.unref();
}

export {};
