import type { Logger, NotificationHandler } from './database';

/**
 * Handlers per channel, shared by both engines. A handler that throws is logged and the
 * others still run: one bad consumer must not stop the stream for everyone.
 */
export class HandlerRegistry {
  readonly #byChannel = new Map<string, Set<NotificationHandler>>();

  constructor(private readonly logger: Logger) {}

  /** Add a handler; true when it is the channel's first (the caller must LISTEN). */
  add(channel: string, handler: NotificationHandler): boolean {
    const set = this.#byChannel.get(channel);
    if (set) {
      set.add(handler);
      return false;
    }
    this.#byChannel.set(channel, new Set([handler]));
    return true;
  }

  /** Remove a handler; true when it was the channel's last (the caller must UNLISTEN). */
  remove(channel: string, handler: NotificationHandler): boolean {
    const set = this.#byChannel.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.#byChannel.delete(channel);
    return true;
  }

  channels(): string[] {
    return [...this.#byChannel.keys()];
  }

  get size(): number {
    return this.#byChannel.size;
  }

  clear(): void {
    this.#byChannel.clear();
  }

  dispatch(channel: string, payload: string): void {
    const set = this.#byChannel.get(channel);
    if (!set) return;
    for (const handler of set) {
      try {
        handler(payload);
      } catch (err) {
        this.logger.error({ err, channel }, 'notification handler threw');
      }
    }
  }
}

/**
 * Runs async steps one after another. LISTEN/UNLISTEN and the handler map must change
 * together: a listen racing an unlisten of the same channel could otherwise leave a
 * handler registered on a channel the connection no longer listens to.
 */
export function createSerialQueue(): <T>(step: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = tail.then(step);
    tail = run.catch(() => undefined);
    return run;
  };
}
