import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { headerValue, runLoad } from './load';
import { jsonCheck, runScenario } from './run-scenario';
import { startBaseline, type RunningServer } from './servers';

// The load generator against real HTTP servers: the two baselines as child processes (as
// the bench runs them), and small in-process servers that answer what a test needs.

const body = JSON.stringify({
  coins: Object.fromEntries(
    Array.from({ length: 50 }, (_, i) => [`coingecko:t${i}`, { price: i, symbol: `T${i}`, timestamp: 1 }]),
  ),
});
let dir: string;
let bodyFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'query-load-test-'));
  bodyFile = path.join(dir, 'body.json');
  writeFileSync(bodyFile, body);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['bare-http', 'fastify'] as const)('runLoad against the %s baseline', (mode) => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startBaseline(mode, bodyFile, 60_000);
  }, 30_000);
  afterAll(() => server?.stop());

  it('counts answers, times them and reads the server from /proc', async () => {
    const res = await fetch(`${server.url}/prices`);
    expect(await res.text()).toBe(body);

    const result = await runLoad({
      url: server.url,
      paths: ['/prices'],
      connections: 4,
      durationS: 1,
      serverPid: server.pid,
    });
    expect(result.responses).toBeGreaterThan(100);
    expect(result.statusCodes).toEqual({ 200: result.responses });
    expect(result.perSecond).toBeCloseTo(result.responses / result.seconds, 6);
    expect(result.errors + result.non2xx).toBe(0);
    expect(result.bytesPerResponse).toBeGreaterThan(body.length);
    expect(result.latencyMs.p50).toBeGreaterThan(0);
    expect(result.latencyMs.p50).toBeLessThanOrEqual(result.latencyMs.p99);
    expect(result.latencyMs.p99).toBeLessThanOrEqual(result.latencyMs.max);
    expect(result.cache).toEqual({ none: result.responses });
    expect(result.server!.cpuPercent).toBeGreaterThan(1);
    expect(result.server!.cpuMicrosPerRequest).toBeGreaterThan(0);
    expect(result.server!.rssMaxMiB).toBeGreaterThan(10);
    expect(result.harnessCpuPercent).toBeGreaterThan(1);
  }, 20_000);
});

describe('runScenario', () => {
  let server: Server;
  let url: string;
  let answer: (n: number) => { status: number; cache?: string; body: string; delayMs?: number };
  // Requests counted per path: stragglers of one test (on /x) cannot shift another's count.
  let counts = new Map<string, number>();
  beforeAll(async () => {
    server = createServer((req, res) => {
      const i = counts.get(req.url!) ?? 0;
      counts.set(req.url!, i + 1);
      const a = answer(i);
      const send = () =>
        res
          .writeHead(a.status, { 'content-type': 'application/json', ...(a.cache ? { 'x-cache': a.cache } : {}) })
          .end(a.body);
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (counts = new Map()));

  const options = { durationS: 1, warmupS: 0, connections: 2, pacedRate: 50, pacedConnections: 2 };
  const run = (name: 'prices-current' | 'protocols-paced', path = '/x') =>
    runScenario({
      name,
      server: { url, pid: process.pid, stop: async () => {} },
      workload: { paths: [path] },
      check: jsonCheck(() => undefined),
      options,
      log: () => {},
    });

  it('does not load a server whose first answer is wrong, and says why', async () => {
    answer = () => ({ status: 404, body: '{"code":"NOT_FOUND"}' });
    const result = await run('prices-current');
    expect(result).toMatchObject({ status: 'failed', reason: 'GET /x: answered 404: {"code":"NOT_FOUND"}' });
    expect(result.load).toBeUndefined();
  });

  it('warns when the answers are not the cache hits the scenario is about', async () => {
    answer = (i) => ({ status: 200, cache: i % 4 === 0 ? 'hit' : 'miss', body: '{}' });
    const result = await run('prices-current');
    expect(result.status).toBe('ok');
    expect(result.load!.cache.hit! + result.load!.cache.miss!).toBe(result.load!.responses);
    expect(result.warnings).toEqual([expect.stringMatching(/^only 2\d\.\d % of the answers were cache hits$/)]);
  });

  it('fails a scenario in which more than 1 % of the requests failed, with the statuses', async () => {
    answer = (i) =>
      i % 2 ? { status: 429, body: '{"code":"RATE_LIMITED"}' } : { status: 200, cache: 'miss', body: '{}' };
    const result = await run('prices-current', '/flaky');
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/^\d[\d,]* of [\d,]+ requests failed \(\d[\d,]* x 429\)$/);
  });

  it('paces a paced scenario at its rate', async () => {
    answer = () => ({ status: 200, cache: 'miss', body: '{}' });
    const result = await run('protocols-paced');
    expect(result).toMatchObject({ status: 'ok', overallRate: 50, connections: 2, warnings: [] });
    expect(result.load!.perSecond).toBeGreaterThan(25);
    expect(result.load!.perSecond).toBeLessThan(75);
  });

  it('says when a paced scenario could not keep its rate', async () => {
    answer = () => ({ status: 200, cache: 'miss', body: '{}', delayMs: 200 });
    const result = await run('protocols-paced');
    expect(result.status).toBe('ok');
    expect(result.load!.perSecond).toBeLessThan(15);
    expect(result.warnings).toEqual([
      expect.stringMatching(/^kept \d+ of the 50 requests\/s asked: the server could not keep the pace/),
    ]);
  });
});

describe('headerValue', () => {
  it('reads a header from the raw list autocannon gives, or from an object', () => {
    expect(headerValue({ headers: ['Content-Type', 'a', 'X-Cache', 'hit'] }, 'x-cache')).toBe('hit');
    expect(headerValue({ headers: ['content-type', 'a'] }, 'x-cache')).toBeUndefined();
    expect(headerValue({ headers: { 'x-cache': 'miss' } }, 'x-cache')).toBe('miss');
    expect(headerValue(undefined, 'x-cache')).toBeUndefined();
  });
});
