/*
 * A client worker (forked by the harness): opens its share of the connections at a bounded
 * rate, then only counts frames. A few connections are probes that parse every message and
 * record publish -> receive latency; the rest cost one function call and a counter per
 * frame, so thousands of them take little CPU away from the server under test.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { nowMs } from './clock';
import type { ConnectReport, FromWorker, ToWorker, WorkerPlan } from './ipc';
import { TARGETS } from './targets';
import type { ClientSpec } from './targets/types';

let messages = 0;
let lost = 0;
const lostReasons: Record<string, number> = {};
const probeSamples: number[] = [];
let unreadable = 0;
let imprecise = 0;
let stopping = false;
const sockets: WebSocket[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function send(message: FromWorker): void {
  process.send?.(message);
}

process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'plan':
      setTimeout(() => process.exit(2), message.plan.lifetimeMs).unref();
      void connectAll(message.plan).then((report) => send({ type: 'connected', report }));
      break;
    case 'snapshot': {
      const cpu = process.cpuUsage();
      const snapshot = {
        messages,
        lost,
        lostReasons: { ...lostReasons },
        cpuMicros: cpu.user + cpu.system,
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
        loopDelayMaxMs: loopDelay.max / 1e6,
      };
      loopDelay.reset();
      send({ type: 'snapshot', id: message.id, snapshot });
      break;
    }
    case 'probes':
      send({ type: 'probes', report: { samples: probeSamples, unreadable, imprecise } });
      break;
    case 'stop':
      stopping = true;
      // terminate(): no closing handshake, 10,000 sockets go at once.
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 200);
      break;
  }
});
// The harness is gone (killed, crashed): never outlive it.
process.on('disconnect', () => process.exit(0));
process.on('uncaughtException', (err) => {
  send({ type: 'fatal', message: err.stack ?? String(err) });
  process.exit(1);
});
send({ type: 'loaded' });

/** Open the plan's connections at its rate, with at most maxPending handshakes at once. */
function connectAll(plan: WorkerPlan): Promise<ConnectReport> {
  const spec = TARGETS[plan.target].client;
  const probes = new Set(plan.probes);
  const report: ConnectReport = {
    established: 0,
    failed: 0,
    latencies: [],
    errors: {},
    startedAt: nowMs(),
    finishedAt: nowMs(),
  };
  if (plan.connections === 0) return Promise.resolve(report);
  let started = 0;
  let pending = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(plan.connections, Math.floor(((performance.now() - t0) / 1000) * plan.connectRate) + 1);
      while (started < due && pending < plan.maxPending) {
        const index = started++;
        pending++;
        openOne(spec, plan, index, probes.has(index))
          .then(
            (latency) => {
              report.established++;
              report.latencies.push(latency);
            },
            (err: unknown) => {
              report.failed++;
              const reason = describeError(err);
              report.errors[reason] = (report.errors[reason] ?? 0) + 1;
            },
          )
          .finally(() => {
            pending--;
            if (started === plan.connections && pending === 0) {
              clearInterval(timer);
              report.finishedAt = nowMs();
              resolve(report);
            }
          });
      }
    };
    const timer = setInterval(tick, 5);
    tick();
  });
}

/** Open, handshake and subscribe one connection; resolves with its connect latency (ms). */
function openOne(spec: ClientSpec, plan: WorkerPlan, index: number, probe: boolean): Promise<number> {
  const global = plan.first + index * plan.stride;
  const startedAt = nowMs();
  const ws = new WebSocket(spec.url(plan.host, plan.port, plan.params, global), {
    localAddress: plan.localAddresses[global % plan.localAddresses.length],
    perMessageDeflate: false,
    skipUTF8Validation: true, // probes parse with JSON.parse, which would throw on garbage anyway
    handshakeTimeout: plan.connectTimeoutMs,
  });
  sockets.push(ws);

  return new Promise((resolve, reject) => {
    // Frames received during the handshake wait here for the target's handshake to pull them.
    const queue: Buffer[] = [];
    let waiter: { resolve: (frame: Buffer) => void; reject: (err: Error) => void } | undefined;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      waiter?.reject(err);
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error('handshake timeout')), plan.connectTimeoutMs);
    const onSetupFrame = (frame: Buffer) => {
      if (!waiter) return void queue.push(frame);
      const w = waiter;
      waiter = undefined;
      w.resolve(frame);
    };
    const next = () =>
      queue.length > 0
        ? Promise.resolve(queue.shift()!)
        : new Promise<Buffer>((res, rej) => (waiter = { resolve: res, reject: rej }));

    ws.on('message', onSetupFrame);
    ws.on('error', fail);
    ws.on('close', (code, reason) => {
      if (!done) return fail(new Error(`closed during handshake: ${code} ${reason.toString()}`.trim()));
      if (stopping) return;
      lost++;
      const key = `close ${code}${reason.length ? ` ${reason.toString()}` : ''}`;
      lostReasons[key] = (lostReasons[key] ?? 0) + 1;
    });
    ws.once('open', () => {
      const openedAt = nowMs();
      spec.handshake(ws, next).then((welcomedAt) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        ws.off('message', onSetupFrame);
        const onFrame = probe ? probeHandler(spec, ws) : drainHandler(spec, ws);
        ws.on('message', onFrame);
        for (const frame of queue) onFrame(frame);
        resolve((welcomedAt ?? openedAt) - startedAt);
      }, fail);
    });
  });
}

/** The cheap path: count data frames, answer control frames, parse nothing. */
function drainHandler(spec: ClientSpec, ws: WebSocket): (frame: Buffer) => void {
  const { isData, onControl } = spec;
  return (frame) => {
    if (isData(frame)) messages++;
    else onControl?.(ws, frame);
  };
}

/** The probe path: take the receive time first, then parse for the publish time. */
function probeHandler(spec: ClientSpec, ws: WebSocket): (frame: Buffer) => void {
  return (frame) => {
    const receivedAt = nowMs();
    if (!spec.isData(frame)) return spec.onControl?.(ws, frame);
    messages++;
    try {
      const sent = spec.sentAt(frame);
      if (!sent) return void unreadable++;
      if (!sent.precise) imprecise++;
      probeSamples.push(sent.at, receivedAt - sent.at);
    } catch {
      unreadable++;
    }
  };
}

/** A short, countable failure reason (addresses and ports stripped so equal causes group). */
function describeError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return (code ?? message).replace(/\d+\.\d+\.\d+\.\d+(:\d+)?/g, '<addr>').slice(0, 120);
}
