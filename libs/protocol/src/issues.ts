import { z } from 'zod';

// zod's default texts ("Invalid input: expected array, received string") are written for
// developers reading a stack trace. Our clients read them in an error frame, so each
// issue is phrased as "<field>: expected <what>" in one short line.

type RawIssue = z.core.$ZodRawIssue;

/** A validation failure, ready to become a BAD_REQUEST error. */
export interface BadRequest {
  code: 'BAD_REQUEST';
  /** One line naming the field and what was expected. */
  message: string;
  /** Dotted path of the offending field (`channels.0`), absent when the whole value is wrong. */
  field?: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; error: BadRequest };

/** The per-parse error map; schemas' own messages still win over it. */
export const WIRE_PARSE_OPTIONS = { error: issueText } as const;

/** Validates `value` with `schema`, returning a readable BAD_REQUEST instead of throwing. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(value, WIRE_PARSE_OPTIONS);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: describeZodError(result.error) };
}

/** The first issue of a zod error as one BAD_REQUEST line, counting the others. */
export function describeZodError(error: z.ZodError): BadRequest {
  const [first, ...others] = error.issues;
  if (first === undefined) return { code: 'BAD_REQUEST', message: 'invalid value' };
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0] ?? ''] : first.path;
  const field = path.length === 0 ? undefined : path.map(String).join('.');
  const more =
    others.length === 0 ? '' : ` (and ${others.length} more ${others.length === 1 ? 'problem' : 'problems'})`;
  const message = `${field === undefined ? '' : `${field}: `}${first.message}${more}`;
  return field === undefined ? { code: 'BAD_REQUEST', message } : { code: 'BAD_REQUEST', message, field };
}

/** Phrases one zod issue; undefined leaves zod's default text. */
export function issueText(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'required'
        : `expected ${noun(issue.expected)}, got ${describeValue(issue.input)}`;
    case 'too_small':
      return sizeText('at least', issue.origin, Number(issue.minimum), issue.inclusive !== false);
    case 'too_big':
      return sizeText('at most', issue.origin, Number(issue.maximum), issue.inclusive !== false);
    case 'invalid_value':
      return issue.values.length === 1
        ? `expected ${JSON.stringify(issue.values[0])}`
        : `expected one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return formatText(issue.format);
    case 'unrecognized_keys':
      return issue.keys.length === 1
        ? 'unknown field'
        : `unknown field (also unknown: ${issue.keys.slice(1).join(', ')})`;
    case 'invalid_union':
      return 'options' in issue && Array.isArray(issue.options)
        ? `expected one of ${issue.options.map((option) => JSON.stringify(option)).join(', ')}`
        : 'does not match any accepted form';
    case 'not_multiple_of':
      return `expected a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'invalid key';
    default:
      return undefined;
  }
}

function sizeText(
  bound: 'at least' | 'at most',
  origin: string,
  limit: number,
  inclusive: boolean,
): string | undefined {
  switch (origin) {
    case 'array':
    case 'set':
      return `expected ${bound} ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    case 'string':
      return bound === 'at least' && limit === 1 ? 'must not be empty' : `expected ${bound} ${limit} characters`;
    case 'number':
    case 'int':
    case 'bigint': {
      const op = bound === 'at least' ? (inclusive ? '>=' : '>') : inclusive ? '<=' : '<';
      return `expected a number ${op} ${limit}`;
    }
    default:
      return undefined;
  }
}

function formatText(format: string): string {
  switch (format) {
    case 'url':
      return 'expected an http or https URL';
    case 'email':
      return 'expected an email address';
    default:
      return `expected the ${format} format`;
  }
}

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  record: 'an object',
  null: 'null',
};

function noun(expected: string): string {
  return NOUNS[expected] ?? expected;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a non-finite number';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fraction';
  return noun(typeof value);
}
