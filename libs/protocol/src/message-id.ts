import { z } from 'zod';

/**
 * The optional `id` a client puts on a message, echoed on the reply so it can match
 * replies to requests. Strings are capped: the server stores and echoes them.
 */
export const ClientMessageIdSchema = z.union([z.string().max(128), z.number()], {
  error: 'expected a string (at most 128 characters) or a number',
});
export type ClientMessageId = z.infer<typeof ClientMessageIdSchema>;
