import { z } from 'zod';

/** Thrown when the environment does not parse; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly variables: string[],
  ) {
    super(message);
  }
}

/**
 * Parse the environment once at start-up with the app's zod schema and freeze the
 * result. A bad value throws a ConfigError naming the variable, what was expected and
 * what was given, so an operator can fix it without reading code.
 */
export function parseEnv<S extends z.ZodType<object>>(
  app: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<S>> {
  // Empty strings mean "unset": `FOO= npm start` should fall back to the default.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return Object.freeze(result.data);
  const lines = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const given = typeof issue.path[0] === 'string' ? cleaned[issue.path[0]] : undefined;
    return `  ${variable}: ${issue.message}${given === undefined ? '' : ` (got ${describeGiven(variable, given)})`}`;
  });
  const variables = [...new Set(result.error.issues.map((i) => String(i.path[0])))];
  throw new ConfigError(`Invalid configuration for ${app}:\n${lines.join('\n')}`, variables);
}

/** Reusable environment fields, so every app spells and defaults them the same way. */
export const envFields = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'expected a port number' })
      .int('expected a whole number')
      .min(0, 'expected a port number from 0 to 65535')
      .max(65535, 'expected a port number from 0 to 65535')
      .default(fallback),
  host: () => z.string().min(1).default('0.0.0.0'),
  logLevel: () =>
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'expected one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  redisUrl: () =>
    z
      .string()
      .regex(
        /^(rediss?|rediss?\+cluster|redis\+sentinel):\/\//,
        'expected a redis://, rediss://, redis+cluster:// or redis+sentinel:// URL',
      )
      .optional(),
  databaseUrl: () =>
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected a postgres:// or postgresql:// URL')
      .optional(),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' })
      .transform((v) => ['true', '1', 'yes', 'on'].includes(v))
      .default(fallback),
  durationMs: (fallback: number) => z.coerce.number({ error: 'expected milliseconds' }).int().min(0).default(fallback),
  /**
   * An optional value that `check` (a lib's own parser, throwing on bad input) accepts,
   * parsed here so a bad value stops the app at start-up naming the variable; the app
   * keeps the text and parses it again where it uses it.
   */
  checkedBy: (check: (value: string) => unknown) =>
    z
      .string()
      .superRefine((value, ctx) => {
        try {
          check(value);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
        }
      })
      .optional(),
} as const;

// SEED_API_KEYS too: its value is a list of API keys.
const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|KEYS?)$/i;

/**
 * The configuration as it may be logged: values of secret-looking names masked, and
 * passwords inside URLs replaced, so start-up logs never leak credentials.
 */
export function describeConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(config).map(([name, value]) => {
      if (value === undefined) return [name, value];
      if (SECRET_NAME.test(name)) return [name, '***'];
      if (typeof value === 'string') return [name, maskUrlPassword(value)];
      return [name, value];
    }),
  );
}

/** A bad value as the error message shows it: never a secret's value, never a password in a URL. */
function describeGiven(name: string, value: string): string {
  return SECRET_NAME.test(name) ? `${value.length} characters, not shown` : JSON.stringify(maskUrlPassword(value));
}

function maskUrlPassword(value: string): string {
  return value.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
}

/**
 * The variables every app reads, with the same names and defaults everywhere; an app
 * spreads this into its own schema and adds what only it needs.
 */
export function serviceEnvShape(defaultPort: number) {
  return {
    /** Port it listens on (0 picks a free one). */
    PORT: envFields.port(defaultPort),
    HOST: envFields.host(),
    LOG_LEVEL: envFields.logLevel(),
    /** Unset: embedded PGlite (in memory). Set: that PostgreSQL. */
    DATABASE_URL: envFields.databaseUrl(),
    /** Unset: in-memory engine (one process). Set: RedisEngine, and processes form a cluster. */
    REDIS_URL: envFields.redisUrl(),
    /** Prefix of every Redis key, so several deployments can share one Redis. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]{1,32}$/, 'expected 1-32 of a-z, 0-9, _ or -')
      .default('rt'),
  };
}
