// Jest's globalTeardown for every project (see jest.preset.js): a bounded safety net for a
// run that would otherwise never end. Jest waits for whatever a test left open (a server, a
// socket, a timer); on a machine with few cores it runs the tests in its own process, so a
// leak there keeps `npm test` and CI hanging until their own timeout. This does not hide the
// leak: if Jest is still alive EXIT_GRACE_MS after the tests ended, it names what is still
// open and exits with code 1, so the run fails. Fix the leak at its source; `npx jest
// --detectOpenHandles` shows where each handle was opened.
const EXIT_GRACE_MS = Number(process.env.JEST_EXIT_GRACE_MS ?? 10_000);

module.exports = async function exitGuard(globalConfig) {
  if (globalConfig.watch || globalConfig.watchAll) return; // a watcher is meant to stay
  const timer = setTimeout(() => {
    const open = process.getActiveResourcesInfo();
    const counts = {};
    for (const type of open) counts[type] = (counts[type] ?? 0) + 1;
    const summary = Object.entries(counts)
      .map(([type, n]) => `${n} ${type}`)
      .join(', ');
    process.stderr.write(
      `\nJest did not exit ${EXIT_GRACE_MS / 1000} s after the tests ended: something a test started is still open ` +
        `(${summary || 'no handle Node reports'}). Exiting with code 1. ` +
        'Close it where the test starts it; `npx jest --detectOpenHandles` shows where it was opened.\n',
    );
    process.exit(1);
  }, EXIT_GRACE_MS);
  timer.unref(); // only fires if something else keeps the process alive
};
