import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { z } from 'zod';
import { validate } from '@defi-realtime/protocol';

/**
 * The validator compiler of every REST app (createApiApp): zod route schemas, with errors
 * that read like the rest of the protocol (libs/protocol `validate`): `body.threshold:
 * expected a number >= 0`, and an unknown field named as itself (`body.owner: unknown
 * field`) rather than as its parent with zod's default text. The app's error handler turns the result into
 * 400 `{code: "BAD_REQUEST", message, field}`.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data: unknown) => {
    const result = validate(schema, data);
    if (result.ok) return { value: result.value };
    const { field, message } = result.error;
    // validate() writes "<field>: <reason>"; the error handler puts the field back in front.
    const reason = field !== undefined && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    const issue: FastifySchemaValidationError = {
      keyword: 'zod',
      instancePath: field === undefined ? '' : `/${field.split('.').join('/')}`,
      schemaPath: '#',
      params: {},
      message: reason,
    };
    return { error: [issue] };
  };
