import { bannerLines, type BannerFacts } from './banner';

const facts = (gatewayPort: number): BannerFacts => ({
  urls: {
    gateway: `http://127.0.0.1:${gatewayPort}`,
    'query-api': 'http://127.0.0.1:9081',
    'alert-engine': 'http://127.0.0.1:9082',
    'event-processor': 'http://127.0.0.1:9083',
  },
  engine: 'in memory',
  database: 'PGlite (embedded, in memory)',
  simulator: true,
  demoKey: 'drt_demo',
  ingestToken: 'demo-token',
});

describe('the npm start banner', () => {
  it.each([8080, 9080])('every example command reaches the gateway on port %i', (port) => {
    const commands = bannerLines(facts(port)).filter((line) => line.includes('npx defi-realtime'));
    expect(commands).toHaveLength(2);
    for (const command of commands) expect(command).toContain(`--url ws://127.0.0.1:${port}/v2/realtime`);
  });

  it('lists each app by name with its own URL, and ingest on the event processor', () => {
    const lines = bannerLines(facts(9080));
    expect(lines).toEqual(
      expect.arrayContaining([
        '  WebSocket        ws://127.0.0.1:9080/v2/realtime',
        '  gateway          http://127.0.0.1:9080   (http://127.0.0.1:9080/healthz, http://127.0.0.1:9080/readyz)',
        '  query-api        http://127.0.0.1:9081   (http://127.0.0.1:9081/healthz, http://127.0.0.1:9081/readyz)',
        '  alert-engine     http://127.0.0.1:9082   (http://127.0.0.1:9082/healthz, http://127.0.0.1:9082/readyz)',
        '  event-processor  http://127.0.0.1:9083   (http://127.0.0.1:9083/healthz, http://127.0.0.1:9083/readyz)',
        '  ingest token     demo-token   (POST http://127.0.0.1:9083/v1/ingest, Authorization: Bearer ...)',
      ]),
    );
  });

  it('says when no live data comes', () => {
    expect(bannerLines({ ...facts(8080), simulator: false })).toContain(
      '  live data: none (SIMULATOR=off): POST /v1/ingest',
    );
  });
});
