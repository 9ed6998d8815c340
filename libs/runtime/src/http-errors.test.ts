import { connect, type AddressInfo } from 'node:net';
import { ERRORS, httpStatusFor, isErrorCode } from '@defi-realtime/protocol';
import { z } from 'zod';
import { createApiApp, type ApiApp, type ZodTypeProvider } from './api-app';
import { DEFAULT_BODY_LIMIT } from './fastify-app';
import { Health } from './health';
import { baseUrl } from './http';
import { MAX_HEADER_BYTES } from './http-errors';
import { createLogger } from './logger';
import { rawHttpRequest } from './raw-http';
import { eventually } from './wait';

// Requests no well-behaved client sends, over a real socket: several are refused by Node's
// HTTP parser or Fastify's router before any route code runs (inject() skips both). Every
// answer must be the registry's `{code, message, field?}` with the code's own HTTP status.

const get = (path: string, headers: string[] = []) =>
  [`GET ${path} HTTP/1.1`, 'Host: test', 'Connection: close', ...headers, '', ''].join('\r\n');
const post = (path: string, contentType: string, body: string) =>
  [
    `POST ${path} HTTP/1.1`,
    'Host: test',
    'Connection: close',
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

describe('HTTP errors in the registry shape, over a real socket', () => {
  let app: ApiApp;
  let url: string;
  let release: () => void = () => undefined;
  let started: () => void = () => undefined;

  beforeAll(async () => {
    app = await createApiApp({
      logger: createLogger('http-errors-test', 'silent'),
      health: new Health(),
      openapi: { title: 'errors', version: '1.0.0' },
    });
    const api = app.withTypeProvider<ZodTypeProvider>();
    api.get('/items/:id', { schema: { params: z.object({ id: z.string() }) } }, async (req) => ({ id: req.params.id }));
    api.post('/items', { schema: { body: z.object({ name: z.string() }) } }, async (req) => req.body);
    api.get('/slow', async () => {
      started();
      await new Promise<void>((resolve) => (release = resolve));
      return { done: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = baseUrl(app.server.address() as AddressInfo);
  });
  afterAll(async () => {
    release();
    await app?.close();
  });

  /** The answer's body, after checking it is a registry error with its registry status. */
  async function registryError(request: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await rawHttpRequest(url, request);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(res.body) as Record<string, unknown>;
    expect(Object.keys(body).filter((key) => !['code', 'message', 'field'].includes(key))).toEqual([]);
    expect(isErrorCode(body.code)).toBe(true);
    expect(typeof body.message).toBe('string');
    expect(res.status).toBe(httpStatusFor(body.code as keyof typeof ERRORS));
    return { status: res.status, body };
  }

  it.each([
    ['a bad percent-escape in the path', 400, 'BAD_REQUEST', /invalid percent-escape/, get('/items/%E0%A4%A')],
    [
      'a path parameter over 100 characters',
      400,
      'BAD_REQUEST',
      /longer than 100 characters/,
      get(`/items/${'a'.repeat(101)}`),
    ],
    [
      `a URL over ${MAX_HEADER_BYTES / 1024} KiB`,
      431,
      'HEADERS_TOO_LARGE',
      /larger than 16 KiB: shorten the URL/,
      get(`/items/x?coins=${'coingecko:ethereum,'.repeat(5_000)}`),
    ],
    [
      `headers over ${MAX_HEADER_BYTES / 1024} KiB`,
      431,
      'HEADERS_TOO_LARGE',
      /larger than 16 KiB/,
      get('/items/x', [`x-filler: ${'x'.repeat(MAX_HEADER_BYTES)}`]),
    ],
    ['a request line that is not HTTP', 400, 'BAD_REQUEST', /malformed HTTP request/, 'NOT AN HTTP REQUEST\r\n\r\n'],
    [
      'a body over 64 KiB',
      413,
      'MESSAGE_TOO_LARGE',
      /larger than 64 KiB/,
      post('/items', 'application/json', JSON.stringify({ name: 'x'.repeat(DEFAULT_BODY_LIMIT) })),
    ],
    [
      'a body that is not JSON',
      400,
      'BAD_REQUEST',
      /^body: not valid JSON$/,
      post('/items', 'application/json', '{"name": '),
    ],
    ['an empty JSON body', 400, 'BAD_REQUEST', /^body: empty/, post('/items', 'application/json', '')],
    [
      'a Content-Type no parser reads',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /'application\/xml' is not read here/,
      post('/items', 'application/xml', '<name/>'),
    ],
    ['an unknown route', 404, 'NOT_FOUND', /no route for GET \/nowhere/, get('/nowhere')],
  ])('answers %s with %i %s', async (_case, status, code, message, request) => {
    const { status: answered, body } = await registryError(request);
    expect({ status: answered, code: body.code }).toEqual({ status, code });
    expect(body.message).toMatch(message);
  });

  it('names the body as the field of a body that is not JSON', async () => {
    expect((await registryError(post('/items', 'application/json', '[1,'))).body.field).toBe('body');
  });

  it('answers a request that arrives while the server shuts down with 503 UNAVAILABLE', async () => {
    const busy = new Promise<void>((resolve) => (started = resolve));
    // A connection kept open by a request in flight; a second request on it once shutdown began.
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(url).port) });
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = new Promise((resolve) => socket.once('close', resolve));
    try {
      socket.write('GET /slow HTTP/1.1\r\nHost: test\r\n\r\n');
      await busy;
      const closed = app.close();
      await eventually(() => expect(app.server.listening).toBe(false)); // shutdown has begun
      const parsed = new Promise((resolve) => app.server.once('request', resolve));
      socket.write(get('/items/late'));
      await parsed; // answered at once; written after the first response, as HTTP/1.1 orders them
      release();
      await closed;
      await ended;
    } finally {
      socket.destroy();
    }
    const text = Buffer.concat(received).toString();
    const late = text.slice(text.indexOf('HTTP/1.1 503'));
    expect(JSON.parse(late.slice(late.indexOf('\r\n\r\n') + 4))).toEqual({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('shutting down'),
    });
    expect(text).toContain('{"done":true}'); // the request in flight still completed
  });
});
