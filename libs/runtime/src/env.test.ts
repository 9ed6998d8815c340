import { z } from 'zod';
import { ConfigError, describeConfig, envFields, parseEnv } from './env';

const schema = z.object({
  PORT: envFields.port(8080),
  LOG_LEVEL: envFields.logLevel(),
  REDIS_URL: envFields.redisUrl(),
  SIMULATOR: envFields.bool(true),
});

describe('parseEnv', () => {
  it('applies defaults and treats empty strings as unset', () => {
    const config = parseEnv('gateway', schema, { PORT: '', SIMULATOR: 'off' });
    expect(config).toEqual({ PORT: 8080, LOG_LEVEL: 'info', SIMULATOR: false });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad variable, what was expected and what was given', () => {
    let error: unknown;
    try {
      parseEnv('gateway', schema, { PORT: 'eighty', REDIS_URL: 'http://x', LOG_LEVEL: 'loud' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('Invalid configuration for gateway');
    expect(message).toMatch(/PORT: expected a port number.*"eighty"/);
    expect(message).toMatch(/REDIS_URL: expected a redis:\/\/.*"http:\/\/x"/);
    expect(message).toMatch(/LOG_LEVEL: expected one of/);
    expect((error as ConfigError).variables.sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL']);
  });

  it('never shows the value of a secret, nor a password inside a URL', () => {
    const secrets = z.object({
      INGEST_TOKEN: z.string().min(16, 'expected at least 16 characters'),
      DATABASE_URL: envFields.databaseUrl(),
    });
    const parse = () => parseEnv('x', secrets, { INGEST_TOKEN: 'hunter2', DATABASE_URL: 'mysql://u:pw@h/db' });
    expect(parse).toThrow(/INGEST_TOKEN: expected at least 16 characters \(got 7 characters, not shown\)/);
    expect(parse).toThrow(/DATABASE_URL: .*\(got "mysql:\/\/u:\*\*\*@h\/db"\)/);
    expect(parse).not.toThrow(/hunter2|pw@/);
  });

  it("reports what a lib's parser throws as an issue of the variable (checkedBy)", () => {
    const checked = z.object({ LIST: envFields.checkedBy((v) => (v.includes(':') ? v : JSON.parse('{'))) });
    expect(parseEnv('x', checked, {})).toEqual({});
    expect(parseEnv('x', checked, { LIST: 'a:b' })).toEqual({ LIST: 'a:b' });
    expect(() => parseEnv('x', checked, { LIST: 'ab' })).toThrow(expect.objectContaining({ variables: ['LIST'] }));
    expect(() => parseEnv('x', checked, { LIST: 'ab' })).toThrow(/LIST: .*JSON/);
  });

  it('rejects a port out of range', () => {
    expect(() => parseEnv('x', schema, { PORT: '70000' })).toThrow(/PORT: expected a port number from 0 to 65535/);
  });
});

describe('describeConfig', () => {
  it('masks secrets and URL passwords', () => {
    expect(
      describeConfig({
        INGEST_TOKEN: 'abc',
        ADMIN_SECRET: 'x',
        SEED_API_KEYS: 'drt_abc:pro',
        DATABASE_URL: 'postgres://u:pw@h:5432/db',
        REDIS_URL: 'redis://h:6379',
        PORT: 1,
      }),
    ).toEqual({
      INGEST_TOKEN: '***',
      ADMIN_SECRET: '***',
      SEED_API_KEYS: '***',
      DATABASE_URL: 'postgres://u:***@h:5432/db',
      REDIS_URL: 'redis://h:6379',
      PORT: 1,
    });
  });
});
