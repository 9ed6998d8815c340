/* The credential-forms suite every app that authenticates HTTP runs (import from '@defi-realtime/auth/testing'). */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { SignJWT } from 'jose';
import { generateApiKey } from './api-keys';
import { AUTH_REASONS } from './authenticator';

/** The HS256 secret a target must be started with (JWT_SECRET), so the suite's tokens verify. */
export const CREDENTIAL_SUITE_JWT_SECRET = 'credential-forms-suite-hs256-secret-0123456789';

/** A request's credentials: headers (an array sends the header once per value) and query parameters. */
export interface CredentialRequest {
  headers: Record<string, string | string[]>;
  query: Record<string, string | string[]>;
}

/** How the app answered, as a client sees it. */
export type CredentialOutcome =
  | { outcome: 'accepted' }
  /** The WebSocket opened without a principal: the client may still send `authenticate`. */
  | { outcome: 'awaiting-authenticate' }
  | { outcome: 'refused'; status: number; body: unknown; wwwAuthenticate: string | undefined };

/** An app under test, started with JWT_SECRET = CREDENTIAL_SUITE_JWT_SECRET. */
export interface CredentialTarget {
  /** A live pro-tier key of the app's key store. */
  validKey: string;
  /** A key of the app's key store, revoked. */
  revokedKey: string;
  /** Send one request (a REST call to a protected route, a WebSocket handshake) with these credentials. */
  send(request: CredentialRequest): Promise<CredentialOutcome>;
  close(): Promise<void>;
}

export interface CredentialSuiteOptions {
  /**
   * What a request without credentials gets, where it is not the 401 every REST app
   * answers: the gateway opens the socket and waits for an `authenticate` message.
   * @default a 401 UNAUTHORIZED refusal
   */
  withoutCredentials?: CredentialOutcome;
}

interface Fixtures {
  validKey: string;
  revokedKey: string;
  unknownKey: string;
  token: string;
  expiredToken: string;
  forgedToken: string;
}

interface Row {
  name: string;
  request: (f: Fixtures) => Partial<CredentialRequest>;
  expected: CredentialOutcome;
}

const CHALLENGE = 'Bearer realm="defi-realtime"';
const INVALID = `${CHALLENGE}, error="invalid_token"`;
const accepted: CredentialOutcome = { outcome: 'accepted' };
const unauthorized = (message: string, wwwAuthenticate = INVALID): CredentialOutcome => ({
  outcome: 'refused',
  status: 401,
  body: { code: 'UNAUTHORIZED', message },
  wwwAuthenticate,
});
const badRequest = (message: string): CredentialOutcome => ({
  outcome: 'refused',
  status: 400,
  body: { code: 'BAD_REQUEST', message },
  wwwAuthenticate: undefined,
});

/** docs/auth.md's table of forms and refusals, row by row. */
const ROWS: Row[] = [
  {
    name: 'a key in the x-api-key header',
    request: (f) => ({ headers: { 'x-api-key': f.validKey } }),
    expected: accepted,
  },
  { name: 'a key as ?apiKey=', request: (f) => ({ query: { apiKey: f.validKey } }), expected: accepted },
  {
    name: 'a key as Authorization: Bearer',
    request: (f) => ({ headers: { authorization: `Bearer ${f.validKey}` } }),
    expected: accepted,
  },
  {
    name: 'a JWT as Authorization: Bearer',
    request: (f) => ({ headers: { authorization: `Bearer ${f.token}` } }),
    expected: accepted,
  },
  {
    name: 'the bearer scheme in lower case',
    request: (f) => ({ headers: { authorization: `bearer ${f.token}` } }),
    expected: accepted,
  },
  {
    name: 'a repeated x-api-key header, good key first',
    request: (f) => ({ headers: { 'x-api-key': [f.validKey, f.unknownKey] } }),
    expected: accepted,
  },
  {
    name: 'a repeated x-api-key header, bad key first',
    request: (f) => ({ headers: { 'x-api-key': ['not-a-key', f.validKey] } }),
    expected: unauthorized(AUTH_REASONS.keyMalformed),
  },
  {
    name: 'a repeated ?apiKey=, good key first',
    request: (f) => ({ query: { apiKey: [f.validKey, 'not-a-key'] } }),
    expected: accepted,
  },
  {
    name: 'an unknown key',
    request: (f) => ({ headers: { 'x-api-key': f.unknownKey } }),
    expected: unauthorized(AUTH_REASONS.keyUnknown),
  },
  {
    name: 'a malformed key',
    request: () => ({ query: { apiKey: 'drt_short' } }),
    expected: unauthorized(AUTH_REASONS.keyMalformed),
  },
  {
    name: 'a revoked key',
    request: (f) => ({ headers: { authorization: `Bearer ${f.revokedKey}` } }),
    expected: unauthorized(AUTH_REASONS.keyUnknown),
  },
  {
    name: 'an expired JWT',
    request: (f) => ({ headers: { authorization: `Bearer ${f.expiredToken}` } }),
    expected: unauthorized('token expired'),
  },
  {
    name: 'a JWT with a bad signature',
    request: (f) => ({ headers: { authorization: `Bearer ${f.forgedToken}` } }),
    expected: unauthorized('token signature invalid'),
  },
  {
    name: 'another Authorization scheme',
    request: (f) => ({ headers: { authorization: `Basic ${Buffer.from(`user:${f.validKey}`).toString('base64')}` } }),
    expected: unauthorized(AUTH_REASONS.authorizationScheme),
  },
  {
    name: 'an Authorization header without a scheme',
    request: (f) => ({ headers: { authorization: f.validKey } }),
    expected: unauthorized(AUTH_REASONS.authorizationMalformed),
  },
  {
    name: 'a key in both the header and the query',
    request: (f) => ({ headers: { 'x-api-key': f.validKey }, query: { apiKey: f.validKey } }),
    expected: badRequest(`${AUTH_REASONS.several} (got x-api-key header and apiKey query parameter)`),
  },
  {
    name: 'a key header and a bearer JWT',
    request: (f) => ({ headers: { 'x-api-key': f.validKey, authorization: `Bearer ${f.token}` } }),
    expected: badRequest(`${AUTH_REASONS.several} (got x-api-key header and Authorization header)`),
  },
];

/**
 * The accepted credential forms and their refusals, asserted identically (status, `{code,
 * message}` body, WWW-Authenticate) against one app: run it once per app, so the gateway's
 * handshake, the query API and the alert engine cannot drift apart.
 */
export function describeCredentialForms(
  name: string,
  start: () => Promise<CredentialTarget>,
  options: CredentialSuiteOptions = {},
): void {
  describe(`credential forms: ${name}`, () => {
    let target: CredentialTarget;
    let fixtures: Fixtures;

    beforeAll(async () => {
      target = await start();
      fixtures = {
        validKey: target.validKey,
        revokedKey: target.revokedKey,
        unknownKey: generateApiKey(),
        token: await signToken('5m'),
        expiredToken: await signToken('-1m'),
        forgedToken: await signToken('5m', 'another-hs256-secret-nobody-configured-0123'),
      };
    }, 60_000); // an app on PGlite takes a while to start on a busy machine
    afterAll(() => target?.close());

    it.each(ROWS)('$name', async ({ request, expected }) => {
      const { headers = {}, query = {} } = request(fixtures);
      expect(await target.send({ headers, query })).toEqual(expected);
    });

    it('a request without credentials', async () => {
      const expected = options.withoutCredentials ?? unauthorized(AUTH_REASONS.noHttpCredentials, CHALLENGE);
      expect(await target.send({ headers: {}, query: {} })).toEqual(expected);
    });
  });
}

/** `path` with the request's query parameters (a repeated one once per value). */
export function withQuery(path: string, query: CredentialRequest['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) for (const v of [value].flat()) params.append(name, v);
  const search = params.toString();
  return search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path;
}

/**
 * A real HTTP GET of `url` with `headers` (an array value is sent as repeated header
 * lines, which fetch cannot do), as a CredentialOutcome: `acceptedStatus` is accepted,
 * anything else a refusal with its JSON body.
 */
export function sendHttp(
  url: string,
  headers: CredentialRequest['headers'],
  acceptedStatus = 200,
): Promise<CredentialOutcome> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode === acceptedStatus) return resolve({ outcome: 'accepted' });
        resolve(refusal(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8')));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A refused request or handshake as the suite compares it. */
export function refusal(status: number, headers: IncomingHttpHeaders, text: string): CredentialOutcome {
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: compared as text, so the assertion shows what came back.
  }
  return { outcome: 'refused', status, body, wwwAuthenticate: headers['www-authenticate'] };
}

function signToken(expiresIn: string, secret = CREDENTIAL_SUITE_JWT_SECRET): Promise<string> {
  return new SignJWT({ tier: 'pro' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('credential-suite-user')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
