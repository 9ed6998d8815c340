import { execFile } from 'node:child_process';
import { ApiKeyStore, Authenticator } from '@defi-realtime/auth';
import { createTestDatabase, type TestDatabase } from '@defi-realtime/db/testing';
import { Health, createLogger, createMetricsRegistry, type ApiApp } from '@defi-realtime/runtime';
import { createQueryApiApp } from '../../src/http/app';
import { OPENAPI_TAGS } from '../../src/http/openapi';
import { createQueryApiMetrics } from '../../src/http/metrics';
import { registerRoutes } from '../../src/routes';

interface Operation {
  tags?: string[];
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  servers: Array<{ url: string; variables?: Record<string, { default: string }> }>;
  tags: Array<{ name: string }>;
  security: Array<Record<string, string[]>>;
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
}

/**
 * SwaggerParser.validate in a child Node process: swagger-parser requires the ESM-only
 * @apidevtools/json-schema-ref-parser, which Node loads and Jest's module loader does not.
 * Resolves 'valid' or the validator's message.
 */
function validateOpenApi(document: unknown): Promise<string> {
  const script = `
    let input = '';
    process.stdin.on('data', (c) => (input += c)).on('end', () => {
      require('@apidevtools/swagger-parser').validate(JSON.parse(input)).then(
        () => process.stdout.write('valid'),
        (err) => process.stdout.write(err.message),
      );
    });`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['-e', script],
      { env: { ...process.env, NODE_OPTIONS: '' }, timeout: 30_000 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`validator failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    );
    child.stdin!.end(JSON.stringify(document));
  });
}

describe('query-api OpenAPI document', () => {
  let tdb: TestDatabase;
  let app: ApiApp;
  let doc: OpenApiDocument;
  const routes: Array<{ method: string; url: string; cache: unknown }> = [];

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    const logger = createLogger('openapi-test', 'silent');
    const registry = createMetricsRegistry('query-api');
    app = await createQueryApiApp({
      logger,
      health: new Health(),
      registry,
      metrics: createQueryApiMetrics(registry),
      authenticator: new Authenticator({ apiKeys: new ApiKeyStore(tdb.db) }),
      publicUrl: 'https://api.example.com/',
    });
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        if (method === 'HEAD' || route.schema?.hide) continue;
        routes.push({ method, url: route.url, cache: route.config?.cache });
      }
    });
    registerRoutes(app, { db: tdb.db, logger });
    await app.ready();
    doc = (await app.inject('/openapi.json')).json() as OpenApiDocument;
  });
  afterAll(async () => {
    await app.close();
    await tdb.cleanup();
  });

  it('validates as OpenAPI 3 (SwaggerParser.validate)', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(await validateOpenApi(doc)).toBe('valid');
    // The validator can fail: a broken document is refused.
    expect(await validateOpenApi({ ...doc, paths: { '/x': { get: { responses: 'none' } } } })).toMatch(
      /invalid|responses/i,
    );
  });

  it('lists every route with its method, and no probe, metrics or docs path', () => {
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const { method, url } of routes) {
      const path = url.replace(/:(\w+)/g, '{$1}');
      expect({ path, method, documented: doc.paths[path]?.[method.toLowerCase()] !== undefined }).toEqual({
        path,
        method,
        documented: true,
      });
    }
    for (const hidden of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs'])
      expect(doc.paths[hidden]).toBeUndefined();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/protocols', '/prices/current/{coins}', '/v2/query/protocols']),
    );
  });

  it('has every route declare whether and by which tags it is cached', () => {
    for (const route of routes) {
      const declared =
        route.cache === false || typeof (route.cache as { tags?: unknown } | undefined)?.tags === 'function';
      expect({ url: route.url, declared }).toEqual({ url: route.url, declared: true });
    }
  });

  it('describes every tag the routes use', () => {
    const described = new Set(doc.tags.map((t) => t.name));
    expect([...described]).toEqual(OPENAPI_TAGS.map((t) => t.name));
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const operation of Object.values(operations))
        for (const tag of operation.tags ?? [])
          expect({ path, tag, described: described.has(tag) }).toEqual({ path, tag, described: true });
    }
  });

  it('documents the header, query, bearer and path forms of the API key', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
      apiKeyQuery: { type: 'apiKey', in: 'query', name: 'apiKey' },
      bearer: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.security).toEqual([{ apiKey: [] }, { apiKeyQuery: [] }, { bearer: [] }]);
    expect(doc.servers).toEqual([
      expect.objectContaining({ url: 'https://api.example.com' }),
      expect.objectContaining({
        url: 'https://api.example.com/{apiKey}',
        variables: { apiKey: expect.objectContaining({ default: expect.any(String) }) },
      }),
    ]);
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await app.inject('/docs/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });
});
