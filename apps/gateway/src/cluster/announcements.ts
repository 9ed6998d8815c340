import type { Engine } from '@defi-realtime/engine';
import { SystemAnnouncementMessageSchema } from '@defi-realtime/protocol';
import type { GatewayContext } from '../context';

/**
 * Engine channel carrying operator broadcasts to every node. Not a client channel: the
 * leading underscore is outside the channel grammar, so no client can subscribe to it.
 */
export const ANNOUNCEMENTS_CHANNEL = '_system:announcements';

const AnnouncementSchema = SystemAnnouncementMessageSchema.shape.data;

/** Every node relays announcements to all its authenticated connections. */
export async function relayAnnouncements(ctx: GatewayContext): Promise<() => Promise<void>> {
  const handler = (event: { payload: string }) => {
    let data;
    try {
      data = AnnouncementSchema.parse(JSON.parse(event.payload));
    } catch (err) {
      ctx.logger.warn({ err }, 'dropped an invalid announcement');
      return;
    }
    const message = { type: 'system_announcement' as const, data };
    for (const connection of ctx.connections) if (connection.state === 'open') connection.send(message);
  };
  await ctx.engine.subscribe(ANNOUNCEMENTS_CHANNEL, handler);
  return () => ctx.engine.unsubscribe(ANNOUNCEMENTS_CHANNEL, handler);
}

/** Publish an announcement to every node (the admin endpoint calls this). */
export function announce(
  engine: Engine,
  data: { message: string; level?: 'info' | 'warning' | 'critical' } & Record<string, unknown>,
) {
  return engine.publish(ANNOUNCEMENTS_CHANNEL, JSON.stringify(AnnouncementSchema.parse(data)));
}
