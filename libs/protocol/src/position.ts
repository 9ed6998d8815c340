import { z } from 'zod';

/**
 * Where an event stands in its channel's stream. `offset` increases by one per event
 * on a channel; `epoch` changes whenever the channel's history is lost (restart of an
 * in-memory engine, expiry of the Redis stream), so an old offset is never confused
 * with a new one.
 */
export const PositionSchema = z.object({
  offset: z.number().int().nonnegative(),
  epoch: z.string().min(1).max(64),
});
export type Position = z.infer<typeof PositionSchema>;
