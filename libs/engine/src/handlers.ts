import type { Logger } from '@defi-realtime/redis';
import type { ChannelEvent, EventHandler, NodeDownHandler } from './engine';

/** Call every handler; one that throws is logged and never stops the others. */
export function dispatch(handlers: Iterable<EventHandler>, event: ChannelEvent, logger: Logger): number {
  let failures = 0;
  for (const handler of handlers) {
    try {
      handler(event);
    } catch (error) {
      failures++;
      logger.error({ err: error, channel: event.channel, position: event.position }, 'event handler threw');
    }
  }
  return failures;
}

/** Run the onNodeDown handlers one after another; failures are logged. */
export async function notifyNodeDown(
  handlers: readonly NodeDownHandler[],
  nodeId: string,
  logger: Logger,
): Promise<void> {
  for (const handler of handlers) {
    try {
      await handler(nodeId);
    } catch (error) {
      logger.error({ err: error, nodeId }, 'onNodeDown handler failed');
    }
  }
}
