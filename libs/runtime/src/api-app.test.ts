import { z } from 'zod';
import { createApiApp, type ZodTypeProvider } from './api-app';
import { createLogger } from './logger';
import { Health } from './health';

async function app() {
  const api = await createApiApp({
    logger: createLogger('api-app-test', 'silent'),
    health: new Health(),
    openapi: { title: 'test api', version: '1.0.0' },
  });
  api.withTypeProvider<ZodTypeProvider>().get(
    '/items/:id',
    {
      schema: {
        summary: 'One item',
        params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
        querystring: z.object({
          limit: z.coerce.number().int().min(1).max(100).default(10),
          note: z.string().optional(),
        }),
        response: { 200: z.object({ id: z.string(), limit: z.number() }) },
      },
    },
    async (req) => ({ id: req.params.id, limit: req.query.limit }),
  );
  api.withTypeProvider<ZodTypeProvider>().post(
    '/items',
    {
      schema: {
        body: z.object({
          target: z.object({ tokenId: z.string().min(3) }),
          tags: z.record(z.string(), z.number()).optional(),
        }),
      },
    },
    async (req) => req.body,
  );
  api.withTypeProvider<ZodTypeProvider>().get(
    '/decoded',
    {
      schema: {
        querystring: z.object({
          cursor: z.string().transform((text) => ({ value: Buffer.from(text, 'base64url').toString() })),
        }),
      },
    },
    async (req) => req.query.cursor,
  );
  await api.ready();
  return api;
}

describe('createApiApp', () => {
  it('validates params and query with zod and answers with the parsed values', async () => {
    const api = await app();
    const res = await api.inject('/items/abc?limit=5');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: 'abc', limit: 5 });
    await api.close();
  });

  it.each([
    ['/items/abc?limit=0', 'query.limit'],
    ['/items/abc?limit=ten', 'query.limit'],
    ['/items/ABC', 'params.id'],
  ])('GET %s is a 400 naming %s', async (url, field) => {
    const api = await app();
    const res = await api.inject(url);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'BAD_REQUEST', field, message: expect.stringContaining(`${field}: `) });
    await api.close();
  });

  it('names nested body fields', async () => {
    const api = await app();
    const res = await api.inject({ method: 'POST', url: '/items', payload: { target: { tokenId: 'x' } } });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('body.target.tokenId');
    await api.close();
  });

  // PostgreSQL refuses U+0000 in text: every string field is checked, as sent and as decoded.
  it.each([
    ['a query value', { url: '/items/abc?limit=5&note=%00' }, 'query.note'],
    ['a path parameter', { url: '/items/ab%00c' }, 'params.id'],
    [
      'a body string',
      { method: 'POST' as const, url: '/items', payload: { target: { tokenId: 'abc\u0000' } } },
      'body.target.tokenId',
    ],
    [
      'a body key',
      { method: 'POST' as const, url: '/items', payload: { target: { tokenId: 'abc' }, tags: { 'x\u0000': 1 } } },
      'body.tags',
    ],
    ['a decoded value', { url: `/decoded?cursor=${Buffer.from('a\u0000b').toString('base64url')}` }, 'query.cursor'],
  ])('refuses a NUL byte in %s with a 400 naming the field', async (_where, request, field) => {
    const api = await app();
    const res = await api.inject(request);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'BAD_REQUEST', field, message: `${field}: must not contain NUL bytes` });
    await api.close();
  });

  it('serves the OpenAPI document and Swagger UI, without health routes', async () => {
    const api = await app();
    const doc = (await api.inject('/openapi.json')).json();
    expect(doc.openapi).toBe('3.0.3');
    expect(doc.info.title).toBe('test api');
    expect(Object.keys(doc.paths).sort()).toEqual(['/decoded', '/items', '/items/{id}']);
    expect(doc.paths['/items/{id}'].get.parameters.map((p: { name: string }) => p.name).sort()).toEqual([
      'id',
      'limit',
      'note',
    ]);
    expect((await api.inject('/docs')).statusCode).toBeLessThan(400);
    await api.close();
  });
});
