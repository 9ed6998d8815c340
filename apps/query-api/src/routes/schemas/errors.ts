import { z } from 'zod';

/** Every error answer: `{code, message, field?}` (createApiApp and ProtocolError write it). */
export const ErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  field: z
    .string()
    .optional()
    .meta({ description: 'The request field at fault, e.g. `query.limit` or `params.coins.2`' }),
});
