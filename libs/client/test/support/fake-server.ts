import type { Transport, TransportFactory, TransportHandlers } from '../../src';

/** One scripted connection: what the client sent, and the server's side to play. */
export class FakeSocket implements Transport {
  readonly sent: Array<Record<string, unknown>> = [];
  closedByClient: { code: number; reason: string } | undefined;
  terminated = false;

  constructor(private readonly handlers: TransportHandlers) {}

  send(text: string): void {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close(code: number, reason: string): void {
    this.closedByClient = { code, reason };
    queueMicrotask(() => this.handlers.close({ code, reason }));
  }
  terminate(): void {
    this.terminated = true;
  }

  /** The messages of one type the client sent. */
  sentOf(type: string): Array<Record<string, unknown>> {
    return this.sent.filter((m) => m.type === type);
  }
  serverSends(message: object | string): void {
    this.handlers.message(typeof message === 'string' ? message : JSON.stringify(message));
  }
  welcome(limits: Record<string, number> = {}, resumeToken = 'rt-1'): void {
    this.serverSends({
      type: 'welcome',
      connectionId: 'c-1',
      resumeToken,
      heartbeatMs: 25_000,
      tier: 'pro',
      limits: {
        maxConnectionsPerKey: 100,
        maxChannelsPerConnection: 500,
        subscriptionChangesPerMinute: 100,
        messagesPerMinute: 10_000,
        maxMessageBytes: 65_536,
        recoveryWindowMs: 120_000,
        ...limits,
      },
      serverTime: Date.now(),
    });
  }
  /** Answer the client's subscribe (the last one unless told) with every channel subscribed at `offset`. */
  subscribed(offset = 0, request = this.sentOf('subscribe').at(-1)!, recovered?: boolean): void {
    this.serverSends({
      type: 'subscription_result',
      id: request.id,
      results: (request.channels as string[]).map((channel) => ({
        channel,
        status: 'subscribed',
        position: { offset, epoch: 'e1' },
        ...(recovered === undefined ? {} : { recovered }),
      })),
    });
  }
  price(channel: string, offset: number, price = offset): void {
    this.serverSends({
      type: 'price_update',
      channel,
      position: { offset, epoch: 'e1' },
      timestamp: 1,
      data: {
        tokenId: 'coingecko:ethereum',
        symbol: 'ETH',
        price,
        previousPrice: price,
        changePercent: 0,
        timestamp: 1,
      },
    });
  }
  /** The server closes: an error frame (when a code is given) then the close. */
  serverCloses(code: number, errorCode?: string, message = 'closed'): void {
    if (errorCode) this.serverSends({ type: 'error', code: errorCode, message });
    this.handlers.close({ code, reason: errorCode ?? '' });
  }
}

/** A transport whose connections the test plays the server for. */
export function fakeTransport(): { factory: TransportFactory; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const factory: TransportFactory = (_url, handlers) => {
    const socket = new FakeSocket(handlers);
    sockets.push(socket);
    queueMicrotask(() => handlers.open());
    return socket;
  };
  return { factory, sockets };
}
