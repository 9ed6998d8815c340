import { randomBytes } from 'node:crypto';
import { STREAMS, type Queue } from '@defi-realtime/queue';
import { NotificationSchema, type Notification } from '../../src/notifications/notification';

/** Every notification on the outbox, oldest first (read through a group of its own, so nothing is consumed). */
export async function outboxNotifications(queue: Queue): Promise<Notification[]> {
  const group = `check-${randomBytes(4).toString('hex')}`;
  await queue.ensureGroup(STREAMS.outbox, group, 'start');
  const all: Notification[] = [];
  for (;;) {
    const entries = await queue.read(STREAMS.outbox, group, 'check', { count: 1_000 });
    if (entries.length === 0) return all;
    for (const e of entries) all.push(NotificationSchema.parse(JSON.parse(e.payload)));
  }
}
