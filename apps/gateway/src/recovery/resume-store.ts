import type { Engine } from '@defi-realtime/engine';
import { FiltersSchema, PositionSchema, SubscribeOptionsSchema } from '@defi-realtime/protocol';
import { z } from 'zod';
import type { Connection } from '../connection/connection';

const ResumeRecordSchema = z.object({
  principalId: z.string(),
  subscriptions: z.array(
    z.object({
      channel: z.string(),
      filters: FiltersSchema.optional(),
      options: SubscribeOptionsSchema,
      position: PositionSchema.optional(),
    }),
  ),
});
export type ResumeRecord = z.infer<typeof ResumeRecordSchema>;

/**
 * What a disconnected client can get back with `resume`: its subscriptions (channels,
 * filters, options) and the last position each had seen, kept in the engine's shared
 * state for the recovery window so any node can restore them.
 */
export class ResumeStore {
  constructor(
    private readonly engine: Engine,
    private readonly windowMs: number,
  ) {}

  /** Remember a closing connection's subscriptions under its resume token. */
  async save(connection: Connection): Promise<void> {
    if (!connection.principal || connection.subscriptions.size === 0) return;
    const record: ResumeRecord = {
      principalId: connection.principal.id,
      subscriptions: [...connection.subscriptions.values()].map((s) => ({
        channel: s.channel,
        ...(s.filters ? { filters: s.filters } : {}),
        options: s.options,
        ...(s.position ? { position: s.position } : {}),
      })),
    };
    await this.engine.setState(key(connection.resumeToken), JSON.stringify(record), this.windowMs);
  }

  /**
   * Take (and forget: a token works once) the record for a token, or null when unknown,
   * expired or another principal's. Someone else's token is left alone: presenting it must
   * not destroy its owner's session.
   */
  async take(token: string, principalId: string): Promise<ResumeRecord | null> {
    const text = await this.engine.getState(key(token));
    if (text === null) return null;
    let record: ResumeRecord | null = null;
    try {
      const parsed = ResumeRecordSchema.safeParse(JSON.parse(text));
      if (parsed.success) record = parsed.data;
    } catch {
      // not JSON: forgotten below like any unusable record
    }
    if (record && record.principalId !== principalId) return null;
    await this.engine.deleteState(key(token));
    return record;
  }
}

function key(token: string): string {
  return `resume:${token}`;
}
