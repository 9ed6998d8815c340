import { QUERY_DEFAULTS, resolveQueryOptions } from './options';
import { SCENARIO_NAMES } from './scenarios';

const env = {};

describe('resolveQueryOptions', () => {
  it('gives the defaults: 20 s, 50 connections, every scenario, schema qbench, 5,000 protocols x 365 days', () => {
    const options = resolveQueryOptions({}, env);
    expect(options).toMatchObject({ ...QUERY_DEFAULTS, scenarios: [...SCENARIO_NAMES] });
    expect(options.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(options.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(Object.isFrozen(options)).toBe(true);
  });

  it('takes flags over the defaults and URLs from the environment', () => {
    const options = resolveQueryOptions(
      {
        duration: '3',
        connections: '10',
        scenarios: 'prices-current, bare-http',
        schema: 'qbench_small',
        'seed-only': true,
        reseed: true,
        days: '30',
      },
      { DATABASE_URL: 'postgres://u@db:5432/x', REDIS_URL: 'redis://r:6379' },
    );
    expect(options).toMatchObject({
      durationS: 3,
      connections: 10,
      scenarios: ['prices-current', 'bare-http'],
      schema: 'qbench_small',
      seedOnly: true,
      reseed: true,
      days: 30,
    });
    expect(options.databaseUrl).toBe('postgres://u@db:5432/x');
    expect(options.redisUrl).toBe('redis://r:6379');
  });

  it('names the flag and what it takes for a bad value', () => {
    expect(() => resolveQueryOptions({ duration: '0' }, env)).toThrow('--duration: expected a number >= 1, got "0"');
    expect(() => resolveQueryOptions({ connections: '2.5' }, env)).toThrow(
      '--connections: expected a whole number >= 1, got "2.5"',
    );
    expect(() => resolveQueryOptions({ warmup: 'soon' }, env)).toThrow('--warmup: expected a number >= 0');
    expect(() => resolveQueryOptions({ scenarios: 'prices,fastify' }, env)).toThrow(
      '--scenarios: unknown prices; expected a comma-separated list of',
    );
    expect(() => resolveQueryOptions({ schema: 'public' }, env)).toThrow('--schema: expected a-z, 0-9 and _');
    expect(() => resolveQueryOptions({ schema: 'Q-Bench' }, env)).toThrow('--schema');
    expect(() => resolveQueryOptions({ 'database-url': 'mysql://x' }, env)).toThrow(
      '--database-url: expected postgres://',
    );
    expect(() => resolveQueryOptions({ coins: '60', tokens: '50' }, env)).toThrow(
      '--coins: 60 coins asked, but only --tokens 50 are seeded',
    );
  });
});
