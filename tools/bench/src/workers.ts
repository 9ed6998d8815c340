import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopChild, track } from './children';
import type { ConnectReport, FromWorker, ProbeReport, ToWorker, WorkerPlan, WorkerSnapshot } from './ipc';

/** The harness side of the client workers: fork them, hand out plans, ask for numbers. */
export class WorkerPool {
  private nextId = 0;

  private constructor(private readonly workers: ChildProcess[]) {}

  /** Fork `count` workers and wait until each has loaded its code. */
  static async start(count: number, repoRoot: string, timeoutMs = 20_000): Promise<WorkerPool> {
    const workers = Array.from({ length: count }, () =>
      track(
        fork(path.join(__dirname, 'client-worker.ts'), [], {
          // cwd at the repo root so `--import tsx` resolves from its node_modules.
          cwd: repoRoot,
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      ),
    );
    const pool = new WorkerPool(workers);
    try {
      await Promise.all(workers.map((w) => pool.request(w, undefined, (m) => m.type === 'loaded', timeoutMs)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  /** Give each worker its plan; resolves when every worker has tried all its connections. */
  connect(plans: WorkerPlan[], timeoutMs: number): Promise<ConnectReport[]> {
    return Promise.all(
      plans.map((plan, i) =>
        this.request(this.workers[i]!, { type: 'plan', plan }, (m) => m.type === 'connected', timeoutMs).then(
          (m) => (m as Extract<FromWorker, { type: 'connected' }>).report,
        ),
      ),
    );
  }

  snapshot(timeoutMs = 5000): Promise<WorkerSnapshot[]> {
    const id = this.nextId++;
    return Promise.all(
      this.workers.map((w) =>
        this.request(w, { type: 'snapshot', id }, (m) => m.type === 'snapshot' && m.id === id, timeoutMs).then(
          (m) => (m as Extract<FromWorker, { type: 'snapshot' }>).snapshot,
        ),
      ),
    );
  }

  probes(timeoutMs = 10_000): Promise<ProbeReport[]> {
    return Promise.all(
      this.workers.map((w) =>
        this.request(w, { type: 'probes' }, (m) => m.type === 'probes', timeoutMs).then(
          (m) => (m as Extract<FromWorker, { type: 'probes' }>).report,
        ),
      ),
    );
  }

  /** Ask every worker to close its sockets and exit; kill the ones that do not. */
  async stop(): Promise<void> {
    for (const w of this.workers) if (w.connected) w.send({ type: 'stop' } satisfies ToWorker);
    await Promise.all(this.workers.map((w) => waitExit(w, 3000).then((exited) => (exited ? undefined : stopChild(w)))));
  }

  /** Send `message` (if any) and wait for the first reply that `matches`; rejects on exit, fatal or timeout. */
  private request(
    worker: ChildProcess,
    message: ToWorker | undefined,
    matches: (m: FromWorker) => boolean,
    timeoutMs: number,
  ): Promise<FromWorker> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error, reply?: FromWorker) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
        if (err) reject(err);
        else resolve(reply!);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === 'fatal') done(new Error(`client worker ${worker.pid} crashed: ${m.message}`));
        else if (matches(m)) done(undefined, m);
      };
      const onExit = (code: number | null) => done(new Error(`client worker ${worker.pid} exited (${code})`));
      const timer = setTimeout(
        () =>
          done(
            new Error(
              `client worker ${worker.pid} did not answer ${message?.type ?? 'start-up'} within ${timeoutMs / 1000} s`,
            ),
          ),
        timeoutMs,
      );
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      if (message) worker.send(message);
    });
  }
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
