import { resolveOptions, sourceAddress } from './options';
import { planWorkers } from './plan';

const base = {
  target: 'bare-ws' as const,
  host: '127.0.0.1',
  port: 1,
  params: {},
  connectTimeoutMs: 1000,
  lifetimeMs: 1000,
};

describe('planWorkers', () => {
  it('gives every connection number to exactly one worker and spreads the probes over all workers', () => {
    const plans = planWorkers(
      { connections: 1003, probes: 20, workers: 4, connectRate: 1000, sourceAddresses: 200, probeWorker: false },
      base,
    );
    const global = plans.flatMap((p) => Array.from({ length: p.connections }, (_, i) => p.first + i * p.stride));
    expect(global.sort((a, b) => a - b)).toEqual(Array.from({ length: 1003 }, (_, i) => i));
    expect(plans.map((p) => p.probes.length)).toEqual([5, 5, 5, 5]);
    expect(plans.reduce((n, p) => n + p.connectRate, 0)).toBe(1000);
  });

  it('places probes along the connect order, not all among the first connections', () => {
    const [plan] = planWorkers(
      { connections: 1000, probes: 5, workers: 1, connectRate: 1000, sourceAddresses: 16, probeWorker: false },
      base,
    );
    expect(plan!.probes).toEqual([100, 300, 500, 700, 900]);
  });

  it('can give the probes a worker of their own, ramped over the same time as the drains', () => {
    const plans = planWorkers(
      { connections: 1000, probes: 20, workers: 4, connectRate: 1000, sourceAddresses: 200, probeWorker: true },
      base,
    );
    expect(plans).toHaveLength(5);
    expect(plans.slice(0, 4).map((p) => p.probes.length)).toEqual([0, 0, 0, 0]);
    expect(plans[4]).toMatchObject({ first: 980, stride: 1, connections: 20, connectRate: 20 });
    expect(plans[4]!.probes).toHaveLength(20);
    const global = plans.flatMap((p) => Array.from({ length: p.connections }, (_, i) => p.first + i * p.stride));
    expect(global.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('options', () => {
  it('lets explicit flags override a scenario', () => {
    expect(resolveOptions({ scenario: 'c10k' }, {})).toMatchObject({ connections: 10_000, rate: 2 });
    expect(resolveOptions({ scenario: 'c10k', rate: '5' }, {})).toMatchObject({ connections: 10_000, rate: 5 });
  });

  it('names the flag at fault', () => {
    expect(() => resolveOptions({ targets: 'bare-ws,nginx' }, {})).toThrow('--targets: unknown target "nginx"');
    expect(() => resolveOptions({ connections: '1e9' }, {})).toThrow('--connections');
    expect(() => resolveOptions({ workers: '1', connections: '19000' }, {})).not.toThrow();
    expect(() => resolveOptions({ 'redis-url': 'redis://10.0.0.5:6379' }, {})).toThrow('--redis-url');
  });

  it('numbers source addresses from 127.0.0.2 across octets', () => {
    expect(sourceAddress(0)).toBe('127.0.0.2');
    expect(sourceAddress(253)).toBe('127.0.0.255');
    expect(sourceAddress(254)).toBe('127.0.1.0');
  });
});
