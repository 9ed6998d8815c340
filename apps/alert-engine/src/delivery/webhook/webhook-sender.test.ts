import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const servers: Server[] = [];
const senders: WebhookSender[] = [];

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function sender(options: ConstructorParameters<typeof WebhookSender>[0]): WebhookSender {
  const s = new WebhookSender(options);
  senders.push(s);
  return s;
}

afterEach(async () => {
  for (const s of senders.splice(0)) await s.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('WebhookSender', () => {
  it('gives up after the timeout and reports it as temporary', async () => {
    const base = await serve(() => undefined); // never answers
    const started = Date.now();
    const outcome = await sender({ allowPrivate: true, timeoutMs: 300 }).send({
      id: 'd1',
      url: `${base}/slow`,
      secret,
      body: '{}',
    });
    expect(outcome).toEqual({ kind: 'retry', error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow redirects (the target could be a private address)', async () => {
    let followed = false;
    const target = await serve((_req, res) => {
      followed = true;
      res.end('ok');
    });
    const base = await serve((_req, res) => res.writeHead(302, { location: `${target}/internal` }).end());
    const outcome = await sender({ allowPrivate: true }).send({ id: 'd2', url: `${base}/hook`, secret, body: '{}' });
    expect(outcome).toEqual({
      kind: 'retry',
      statusCode: 302,
      error: 'endpoint answered HTTP 302 (redirects are not followed)',
    });
    expect(followed).toBe(false);
  });

  it('refuses non-HTTP URLs, bad secrets and private IP literals before connecting', async () => {
    const s = sender({});
    expect(await s.send({ id: 'd3', url: 'ftp://example.com/x', secret, body: '{}' })).toEqual({
      kind: 'permanent',
      error: 'webhook URL must be http or https; got ftp:',
    });
    expect(await s.send({ id: 'd4', url: 'https://example.com/x', secret: 'nope', body: '{}' })).toMatchObject({
      kind: 'permanent',
      error: expect.stringContaining("'whsec_'"),
    });
    expect(await s.send({ id: 'd5', url: 'http://169.254.169.254/latest/meta-data', secret, body: '{}' })).toEqual({
      kind: 'permanent',
      error: 'address 169.254.169.254 is link-local; set WEBHOOK_ALLOW_PRIVATE=true to allow',
    });
    expect(await s.send({ id: 'd6', url: 'http://[::1]:1/x', secret, body: '{}' })).toMatchObject({
      kind: 'permanent',
      error: expect.stringContaining('address ::1 is loopback'),
    });
  });
});
