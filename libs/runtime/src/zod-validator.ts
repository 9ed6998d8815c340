import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { z } from 'zod';
import { validate } from '@defi-realtime/protocol';

/**
 * The validator compiler of every REST app (createApiApp): zod route schemas, with errors
 * that read like the rest of the protocol (libs/protocol `validate`): `body.threshold:
 * expected a number >= 0`, and an unknown field named as itself (`body.owner: unknown
 * field`) rather than as its parent with zod's default text. The app's error handler turns the result into
 * 400 `{code: "BAD_REQUEST", message, field}`.
 *
 * A string holding U+0000 is refused in every params, query and body field, as sent and
 * as the schema decoded it (a base64 cursor): PostgreSQL cannot store the byte and would
 * fail the query with a 500.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data: unknown) => {
    const sent = nulBytePath(data);
    if (sent) return { error: [issue(sent, NUL_REASON)] };
    const result = validate(schema, data);
    if (result.ok) {
      const decoded = nulBytePath(result.value);
      // Named as the field the client sent (`query.cursor`), not the decoded value's inside.
      if (decoded) return { error: [issue(sentPrefix(data, decoded), NUL_REASON)] };
      return { value: result.value };
    }
    const { field, message } = result.error;
    // validate() writes "<field>: <reason>"; the error handler puts the field back in front.
    const reason = field !== undefined && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
    return { error: [issue(field === undefined ? [] : field.split('.'), reason)] };
  };

const NUL_REASON = 'must not contain NUL bytes';

function issue(path: string[], reason: string): FastifySchemaValidationError {
  return {
    keyword: 'zod',
    instancePath: path.length === 0 ? '' : `/${path.join('/')}`,
    schemaPath: '#',
    params: {},
    message: reason,
  };
}

/** The path of the first string (or object key) holding U+0000 in `value`, or undefined. */
export function nulBytePath(value: unknown, path: string[] = []): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulBytePath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (!isPlainObject(value)) return undefined;
  for (const [key, entry] of Object.entries(value)) {
    if (key.includes('\u0000')) return path;
    const found = nulBytePath(entry, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/** The longest start of `path` that exists in `data`: the field as the client sent it. */
function sentPrefix(data: unknown, path: string[]): string[] {
  const prefix: string[] = [];
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) break;
    node = (node as Record<string, unknown>)[key];
    prefix.push(key);
  }
  return prefix;
}

/** Records of fields (Fastify's params and query objects have null-prototype chains), not Dates, Buffers or Maps. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.prototype.toString.call(value) === '[object Object]';
}
