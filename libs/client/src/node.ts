import { RealtimeClientBase } from './client/realtime-client';
import type { RealtimeClientOptions, ResolvedOptions } from './client/options';
import { createBrowserTransport, type BrowserWebSocketConstructor } from './transport/browser-transport';
import type { TransportFactory } from './transport/transport';
import { createWsTransport } from './transport/ws-transport';
import { parseWithSchemas } from './wire/schema-parser';

/**
 * The client for Node (ws) and anything with a global WebSocket; every server frame is
 * validated with the protocol's schemas. In browsers prefer `@defi-realtime/client/browser`,
 * which leaves the schemas out.
 */
export class RealtimeClient extends RealtimeClientBase {
  constructor(options: RealtimeClientOptions) {
    super(options, { parse: parseWithSchemas, transport: defaultTransport });
  }
}

/** Create a client and wait for its first `welcome`. */
export async function connect(options: RealtimeClientOptions): Promise<RealtimeClient> {
  const client = new RealtimeClient(options);
  await client.connect();
  return client;
}

function defaultTransport(options: ResolvedOptions): TransportFactory {
  if (options.transport) return options.transport;
  if (options.WebSocket) return createBrowserTransport(options.WebSocket as BrowserWebSocketConstructor);
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  return isNode ? createWsTransport({ handshakeTimeoutMs: options.connectTimeoutMs }) : createBrowserTransport();
}
