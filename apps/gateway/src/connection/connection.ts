import { randomBytes } from 'node:crypto';
import type { Principal } from '@defi-realtime/auth';
import {
  ERRORS,
  ProtocolError,
  type ClientMessageId,
  type ErrorCode,
  type ServerMessage,
} from '@defi-realtime/protocol';
import { StrikeCounter } from '@defi-realtime/rate-limit';
import { WebSocket } from 'ws';
import { writeFrame } from '../routing/frame';
import type { FrameSink, Subscription } from '../routing/subscription';
import { WindowCounter } from './window-counter';

export type ConnectionState = 'authenticating' | 'open' | 'closing';

/** What a connection needs from the gateway around it. */
export interface ConnectionHost {
  readonly slowConsumerBytes: number;
  /** Plain counters read at scrape time (gateway_messages_out_total): no prom-client call per frame. */
  readonly counts: { framesOut: number; bytesOut: number };
  onSlowConsumer(connection: Connection): void;
}

/** A connection id, unique in the cluster: the node's id and a random part. */
export function newConnectionId(nodeId: string): string {
  return `${nodeId}.${randomBytes(6).toString('base64url')}`;
}

/**
 * One client's WebSocket: who it is, what it subscribed to, its per-connection limits,
 * and the two ways out to the socket (JSON messages and pre-built data frames), both
 * guarded by the send-buffer bound.
 */
export class Connection implements FrameSink {
  /** Handed to the client in `welcome`; valid for `resume` within the recovery window. */
  readonly resumeToken = randomBytes(18).toString('base64url');
  readonly subscriptions = new Map<string, Subscription>();
  readonly messages = new WindowCounter();
  readonly subscriptionChanges = new WindowCounter();
  readonly openedAt = Date.now();
  principal: Principal | undefined;
  state: ConnectionState = 'authenticating';
  /** Cleared at each ping, set by the pong: a connection still false at the next ping is dead. */
  isAlive = true;
  authTimer: NodeJS.Timeout | undefined;
  private strikes: StrikeCounter | undefined;

  constructor(
    readonly ws: WebSocket,
    /** From `newConnectionId`: made before the upgrade, since the quota is taken before. */
    readonly id: string,
    readonly remoteAddress: string,
    private readonly host: ConnectionHost,
  ) {}

  /** Send a protocol message (serialized per call: control messages are rare). */
  send(message: ServerMessage): void {
    if (this.state === 'closing' || this.ws.readyState !== WebSocket.OPEN) return;
    const text = JSON.stringify(message);
    if (this.overBudget(text.length)) return;
    this.ws.send(text);
  }

  /** True while data frames can still go out (see FrameSink). */
  get accepting(): boolean {
    return this.state === 'open' && this.ws.readyState === WebSocket.OPEN;
  }

  /** Write a pre-built data frame; the fan-out hot path. False when it was not written. */
  sendFrame(frame: Buffer): boolean {
    if (!this.accepting) return false;
    if (this.overBudget(frame.length)) return false;
    writeFrame(this.ws, frame);
    this.host.counts.framesOut += 1;
    this.host.counts.bytesOut += frame.length;
    return true;
  }

  /** Send an `error` for a ProtocolError (or a registry code) without closing. */
  sendError(error: ProtocolError, id?: ClientMessageId): void {
    this.send(error.toWire(id));
  }

  /**
   * A violation (rate limit, malformed message): true when this one is past the
   * tolerated number and the caller should close with RATE_LIMITED.
   */
  strike(): boolean {
    this.strikes ??= new StrikeCounter();
    return this.strikes.strike();
  }

  /** End the connection with a registry code's close code: an `error` message first, then the close frame. */
  closeWith(code: ErrorCode, message: string = ERRORS[code].message): void {
    if (this.state === 'closing') return;
    const error = new ProtocolError(code, message);
    this.state = 'closing';
    // Past the send-buffer bound on purpose: the reason must reach a client that reads at all.
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(error.toWire()));
    const closeCode = error.closeCode ?? 1011;
    // A close reason is at most 123 bytes; the code is enough for programs, the message for people.
    this.ws.close(closeCode, code);
    // Peers that never answer the close handshake are cut after a while, releasing their buffers.
    setTimeout(() => this.ws.terminate(), 5_000).unref();
  }

  private overBudget(bytes: number): boolean {
    if (this.ws.bufferedAmount + bytes <= this.host.slowConsumerBytes) return false;
    this.host.onSlowConsumer(this);
    return true;
  }
}
