import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Database } from '@defi-realtime/db';

/** The same database, counting the statements sent through `query`. */
export function countingDb(db: Database): { db: Database; queries: () => number; reset: () => void } {
  let n = 0;
  const wrapped = new Proxy(db, {
    get(target, property) {
      if (property === 'query') {
        return (...args: Parameters<Database['query']>) => {
          n += 1;
          return target.query(...args);
        };
      }
      const value: unknown = Reflect.get(target, property);
      // Methods use private fields: call them on the real object, not the proxy.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { db: wrapped, queries: () => n, reset: () => (n = 0) };
}

/** A JSON Web Key Set served over real HTTP on a free port. */
export async function serveJwks(
  jwks: unknown,
): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // fetch keeps connections alive; jest must exit
        server.close(() => resolve());
      }),
  };
}

/** Poll until `check` holds; fails the test after `timeoutMs` instead of hanging it. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - started;
}

/** A key of the right shape made from a readable stem (for seeds and ambiguous prefixes). */
export function fixedKey(stem: string): string {
  return `drt_${stem
    .replace(/[^0-9A-Za-z]/g, '')
    .padEnd(32, '0')
    .slice(0, 32)}`;
}
