import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP proxy between client and gateway that can go silent, like a dead NAT entry or a pulled cable. */
export interface SilentProxy {
  /** `ws://127.0.0.1:<port>/v2/realtime` through the proxy. */
  wsUrl: string;
  /** Connections opened through it so far. */
  readonly connections: number;
  /** Stop forwarding on every open connection, both ways, without closing anything. New connections still work. */
  freeze(): void;
  close(): Promise<void>;
}

export async function startProxy(target: { host: string; port: number }): Promise<SilentProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket; frozen: boolean }>();
  let connections = 0;
  const server: Server = createServer((client) => {
    connections++;
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, frozen: false };
    pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk: Buffer) => {
        if (!pair.frozen) to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const end = () => {
      // A frozen link tells neither side anything: that is the point.
      if (pair.frozen) return;
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on('close', end).on('error', () => undefined);
    upstream.on('close', end).on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    wsUrl: `ws://127.0.0.1:${port}/v2/realtime`,
    get connections() {
      return connections;
    },
    freeze() {
      for (const pair of pairs) pair.frozen = true;
    },
    close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
