/*
 * The `defi-realtime` command line without a server: `ingest` against a local HTTP server
 * that records the request (answering as the event processor does), and the usage errors.
 * `subscribe` against a real gateway is in tools/e2e (apps do not start other apps).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { realpathSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { START_TEST_TIMEOUT_MS } from '@defi-realtime/runtime/testing';
import { CLI_BIN } from '../src/testing';
import { cli, exitCode, spawnCli } from './support/cli';

describe('defi-realtime ingest', () => {
  let server: Server;
  let url: string;
  let dir: string;
  const requests: Array<{ method?: string; path?: string; headers: IncomingMessage['headers']; body: string }> = [];
  let reply: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'defi-realtime-ingest-'));
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push({ method: req.method, path: req.url, headers: req.headers, body });
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const batchFile = async (batch: unknown) => {
    const file = join(dir, `batch-${requests.length}-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(batch));
    return file;
  };
  const observations = {
    prices: [
      { tokenId: 'coingecko:ethereum', price: 3100.5, timestamp: 1_700_000_000_000 },
      { tokenId: 'coingecko:ethereum', price: 'cheap', timestamp: 1_700_000_000_000 },
    ],
    tvl: [{ protocolId: 'aave-v3', tvl: 1.2e10, timestamp: 1_700_000_000 }],
  };

  it('POSTs the file to /v1/ingest with the bearer token and prints what was accepted and what was rejected, and why', async () => {
    const file = await batchFile(observations);
    reply = {
      status: 200,
      body: {
        accepted: 2,
        events: 1,
        duplicates: 1,
        rejected: [{ kind: 'price', index: 1, field: 'price', reason: 'price: expected a number, got a string' }],
      },
    };
    const result = await cli(['ingest', file, '--url', url], { INGEST_TOKEN: 'ingest-token-0123456789' });
    const request = requests.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/ingest' });
    expect(request.headers.authorization).toBe('Bearer ingest-token-0123456789');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual(observations);
    expect(result.out).toBe(
      'accepted 2 (1 event, 1 duplicate), rejected 1\n  price #1: price: expected a number, got a string\n',
    );
    expect(result.code).toBe(1);
  });

  it('exits with 0 when everything was accepted; --token beats INGEST_TOKEN; --json prints the answer as it came', async () => {
    reply = { status: 200, body: { accepted: 1, events: 1, duplicates: 0, rejected: [] } };
    const file = await batchFile({ prices: [observations.prices[0]] });
    const result = await cli(['ingest', file, '--url', `${url}/`, '--token', 'from-the-flag-0123456789'], {
      INGEST_TOKEN: 'from-env',
    });
    expect(result).toEqual({ code: 0, out: 'accepted 1 (1 event, 0 duplicates), rejected 0\n', err: '' });
    expect(requests.at(-1)!.headers.authorization).toBe('Bearer from-the-flag-0123456789');
    const json = await cli(['ingest', file, '--url', url, '--json'], { INGEST_TOKEN: 't' });
    expect(JSON.parse(json.out)).toEqual(reply.body);
  });

  it('reads a batch refused as a whole (400 with the result body) as rejections', async () => {
    reply = {
      status: 400,
      body: {
        accepted: 0,
        events: 0,
        duplicates: 0,
        rejected: [
          {
            kind: 'tvl',
            index: 0,
            field: 'protocolId',
            reason: "protocol slug must be lower-case letters, digits, '.', '_' or '-' (e.g. 'uniswap-v3')",
          },
        ],
      },
    };
    const result = await cli([
      'ingest',
      await batchFile({ tvl: [{ protocolId: 'Not A Slug', tvl: 1, timestamp: 1 }] }),
      '--url',
      url,
      '--token',
      't',
    ]);
    expect(result.out).toBe(
      "accepted 0 (0 events, 0 duplicates), rejected 1\n  tvl #0: protocolId: protocol slug must be lower-case letters, digits, '.', '_' or '-' (e.g. 'uniswap-v3')\n",
    );
    expect(result.code).toBe(1);
  });

  it('says what the server refused, and what is missing or malformed', async () => {
    reply = { status: 401, body: { code: 'UNAUTHORIZED', message: 'missing or wrong bearer token' } };
    const refused = await cli([
      'ingest',
      await batchFile(observations),
      '--url',
      url,
      '--token',
      'wrong-token-0123456789',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      `ingest: ${url}/v1/ingest answered HTTP 401 UNAUTHORIZED: missing or wrong bearer token\n`,
    );

    const noToken = await cli(['ingest', await batchFile(observations), '--url', url]);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toMatch(/no token: pass --token <token> or set INGEST_TOKEN/);

    const sent = requests.length;
    const notJson = join(dir, 'broken.json');
    await writeFile(notJson, '{"oops"');
    const broken = await cli(['ingest', notJson, '--url', url, '--token', 't']);
    expect(broken.code).toBe(1);
    expect(broken.err).toMatch(/broken\.json is not JSON/);
    const wrongShape = await cli(['ingest', await batchFile([{ eventId: 'e' }]), '--url', url, '--token', 't']);
    expect(wrongShape.code).toBe(1);
    expect(wrongShape.err).toMatch(
      /expected an object, got an array \(expected \{"prices": \[\.\.\.\], "tvl": \[\.\.\.\]\}\)/,
    );
    expect(requests.length).toBe(sent); // nothing was sent for them

    const unreachable = await cli([
      'ingest',
      await batchFile(observations),
      '--url',
      'http://127.0.0.1:1',
      '--token',
      't',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toMatch(/could not reach http:\/\/127\.0\.0\.1:1\/v1\/ingest/);
  });
});

describe('defi-realtime help and usage', () => {
  it('is what `npx defi-realtime` runs in the workspace (npm links this bin, no other)', () => {
    expect(realpathSync(resolve(__dirname, '../../../node_modules/.bin/defi-realtime'))).toBe(CLI_BIN);
  });

  it('has --help on every command, exit 0', async () => {
    const main = await cli(['--help']);
    expect(main.code).toBe(0);
    expect(main.out).toMatch(/^Usage: defi-realtime <command>/);
    for (const command of ['subscribe', 'ingest', 'keys']) {
      const help = await cli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.out).toMatch(new RegExp(`^Usage: defi-realtime ${command}`));
    }
  });

  it(
    'exits with 2 on a usage error, from the real executable',
    async () => {
      const process = spawnCli(['subscribe', 'prices', '--throttle', 'soon', '--api-key', 'drt_x']);
      try {
        expect(await exitCode(process, 60_000)).toBe(2);
        expect(process.stderr[0]).toBe('defi-realtime subscribe: --throttle expects a number, got "soon"');
      } finally {
        process.child.kill('SIGKILL');
      }
    },
    START_TEST_TIMEOUT_MS,
  );

  it('refuses bad command lines with exit 2 and a message naming the problem', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^Usage: defi-realtime <command>/],
      [['watch'], /unknown command "watch"/],
      [['toString'], /unknown command "toString"/],
      [['subscribe', '--api-key', 'k'], /subscribe needs at least one channel/],
      [['subscribe', 'prices'], /no credentials: pass --api-key/],
      [['subscribe', 'prices', '--api-key', 'k', '--filter', 'colour=red'], /unknown filter "colour"/],
      [
        ['subscribe', 'prices', '--api-key', 'k', '--filter', 'chain=Not A Chain'],
        /--filter chains\.0: chain must be lower-case/,
      ],
      [['subscribe', 'prices', '--api-key', 'k', '--throttle', '999999'], /throttleMs: expected a number <= 60000/],
      [
        ['subscribe', 'prices', '--api-key', 'k', '--since', 'tvl=4:e1'],
        /--since names "tvl", which is not one of the channels/,
      ],
      [['subscribe', 'prices', '--api-key', 'k', '--since', 'prices=four'], /--since expects channel=offset:epoch/],
      [['subscribe', 'prices', '--api-key', 'k', '--url', 'ftp://x'], /Invalid url option/],
      [['subscribe', 'prices', '--api-key', 'k', '--colour'], /Unknown option '--colour'/],
      [['ingest'], /ingest takes exactly one <file.json>/],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(argv, {});
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.err).toMatch(message);
    }
  });
});
