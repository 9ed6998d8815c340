import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listen and resolve with the base URL (port 0 picks a free port: tests use that). */
export function listen(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(baseUrl(server.address() as AddressInfo));
    });
  });
}

/** Stop accepting connections and wait for open requests to end; idle keep-alives are closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** `http://host:port` for an address; the wildcard host becomes 127.0.0.1 so the URL is usable. */
export function baseUrl(address: AddressInfo): string {
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${address.family === 'IPv6' && host.includes(':') ? `[${host}]` : host}:${address.port}`;
}
