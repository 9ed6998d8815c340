import type { WorkerPlan } from './ipc';
import { sourceAddress, type BenchOptions } from './options';

type PlanOptions = Pick<
  BenchOptions,
  'connections' | 'probes' | 'workers' | 'connectRate' | 'sourceAddresses' | 'probeWorker'
>;
type PlanBase = Pick<WorkerPlan, 'target' | 'host' | 'port' | 'params' | 'connectTimeoutMs' | 'lifetimeMs'>;

/**
 * Split the run over the workers. Worker w opens global connections w, w + P, w + 2P...
 * (P workers), so the connect order at the server interleaves all workers. Probes sit
 * evenly along the connect order: servers usually write to sockets in connect order, so
 * probes only among the first connections would see only the fastest deliveries.
 *
 * With `probeWorker`, the probes get a process of their own (the last plan) instead of
 * sharing one with thousands of drain connections, whose reads they would otherwise
 * queue behind: the probes then time the server, not the worker's backlog.
 */
export function planWorkers(options: PlanOptions, base: PlanBase): WorkerPlan[] {
  const { connections, probes, workers, connectRate } = options;
  const localAddresses = Array.from({ length: Math.min(options.sourceAddresses, connections) }, (_, i) =>
    sourceAddress(i),
  );
  const drains = options.probeWorker ? connections - probes : connections;
  const plans: WorkerPlan[] = Array.from({ length: workers }, (_, w) => {
    const mine = share(drains, workers, w);
    const myProbes = options.probeWorker ? 0 : Math.min(mine, share(probes, workers, w));
    return {
      ...base,
      first: w,
      stride: workers,
      connections: mine,
      probes: spread(myProbes, mine),
      localAddresses,
      connectRate: (connectRate * drains) / connections / workers,
      maxPending: Math.max(50, Math.ceil(connectRate / workers)),
    };
  });
  if (options.probeWorker) {
    plans.push({
      ...base,
      first: drains,
      stride: 1,
      connections: probes,
      probes: spread(probes, probes),
      localAddresses,
      // Spread over the same ramp as the drains, so the probes land all along the connect order.
      connectRate: (connectRate * probes) / connections,
      maxPending: 50,
    });
  }
  return plans;
}

/** `count` indexes spread evenly over 0..length-1, each in the middle of its slice. */
function spread(count: number, length: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * length) / count));
}

/** Worker w's part of `total` split over `parts` as evenly as possible (the first ones get the remainder). */
function share(total: number, parts: number, w: number): number {
  return Math.floor(total / parts) + (w < total % parts ? 1 : 0);
}
