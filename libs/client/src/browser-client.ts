import { RealtimeClientBase } from './client/realtime-client';
import type { RealtimeClientOptions, ResolvedOptions } from './client/options';
import { createBrowserTransport, type BrowserWebSocketConstructor } from './transport/browser-transport';
import type { TransportFactory } from './transport/transport';
import { parseEnvelope } from './wire/envelope-parser';

/**
 * The client for browsers: the global WebSocket, and frames checked for what the client
 * relies on rather than with the full schemas (which would weigh six times the SDK).
 */
export class RealtimeClient extends RealtimeClientBase {
  constructor(options: RealtimeClientOptions) {
    super(options, { parse: parseEnvelope, transport: browserTransport });
  }
}

/** Create a client and wait for its first `welcome`. */
export async function connect(options: RealtimeClientOptions): Promise<RealtimeClient> {
  const client = new RealtimeClient(options);
  await client.connect();
  return client;
}

function browserTransport(options: ResolvedOptions): TransportFactory {
  return options.transport ?? createBrowserTransport(options.WebSocket as BrowserWebSocketConstructor | undefined);
}
