import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Health, type HealthReport } from './health';

describe('Health over a real HTTP server', () => {
  let server: Server;
  let base: string;
  let redisUp = true;
  const health = new Health(200)
    .addCheck('redis', async () => {
      if (!redisUp) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    })
    .addCheck('slow', () => new Promise((resolve) => setTimeout(resolve, 10)));

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!health.handle(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('answers /healthz while the process is up', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 200 when every check passes, 503 naming the failing one otherwise', async () => {
    redisUp = true;
    let res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    redisUp = false;
    res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as HealthReport;
    expect(body.checks.redis).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
    expect(body.checks.slow?.ok).toBe(true);
    redisUp = true;
  });

  it('fails a check that hangs past the timeout', async () => {
    const hanging = new Health(50).addCheck('db', () => new Promise(() => undefined));
    const report = await hanging.readiness();
    expect(report.checks.db).toMatchObject({ ok: false, error: 'timed out after 50 ms' });
  });

  it('is not ready while draining', async () => {
    const draining = new Health().addCheck('ok', async () => undefined);
    draining.setDraining();
    expect((await draining.readiness()).status).toBe('unavailable');
  });

  it('leaves other paths to the caller', async () => {
    expect((await fetch(`${base}/other`)).status).toBe(404);
  });
});
