import { WebSocket } from 'ws';

/** ws's frame builder (`WebSocket.Sender.frame`); @types/ws does not declare it. */
interface SenderStatics {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}
const Sender = (WebSocket as unknown as { Sender: SenderStatics }).Sender;
const TEXT = 0x1;

/**
 * A complete WebSocket text frame (header + payload) built once per event and channel,
 * then written as-is to every recipient's socket: fan-out costs one write per socket
 * and no allocation, as in ws's own broadcast example with pre-framed buffers.
 */
export function frameText(text: string): Buffer {
  const [header, payload] = Sender.frame(Buffer.from(text), {
    fin: true,
    rsv1: false,
    opcode: TEXT,
    mask: false,
    readOnly: false,
  });
  return payload === undefined ? header! : Buffer.concat([header!, payload]);
}

/** The socket under a ws connection (private in ws, stable since ws 1.x). */
interface WsInternals {
  _socket: { write(chunk: Buffer): boolean } | null;
}

/**
 * Write a pre-built frame. Safe only because permessage-deflate is off: ws's sender then
 * never queues, so frames written here and messages sent with `ws.send` keep their order.
 */
export function writeFrame(ws: WebSocket, frame: Buffer): void {
  (ws as unknown as WsInternals)._socket?.write(frame);
}
