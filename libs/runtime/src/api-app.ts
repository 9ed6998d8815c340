import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { createHttpApp, type HttpAppOptions } from './fastify-app';

export interface ApiAppOptions extends HttpAppOptions {
  /** The OpenAPI document's `info`. */
  openapi: { title: string; version: string; description?: string };
  /** Paths left out of the OpenAPI document (health, metrics are always left out). */
  hiddenPaths?: string[];
}

/** A Fastify instance whose routes take zod schemas (`app.withTypeProvider<ZodTypeProvider>()`). */
export type ApiApp = FastifyInstance;
export type { ZodTypeProvider };

const ALWAYS_HIDDEN = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/docs/*'];

/**
 * An HTTP app for a public REST API: `createHttpApp` plus zod schemas on routes
 * (params, querystring, body and responses), the OpenAPI document generated from them
 * at `/openapi.json` and Swagger UI at `/docs`. A request that fails its schema gets
 * 400 `{code: "BAD_REQUEST", message, field}` where `field` is `query.limit`,
 * `params.coins`, `body.target.tokenId`...
 *
 * Responses are serialized with plain JSON.stringify: the response schemas document
 * the API (and tests parse answers with them) but are not re-validated on every
 * request, which would cost more than the query on large answers.
 *
 * Add routes after this resolves, so the OpenAPI document sees them.
 */
export async function createApiApp(options: ApiAppOptions): Promise<ApiApp> {
  const app = createHttpApp(options);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const hidden = new Set([...ALWAYS_HIDDEN, ...(options.hiddenPaths ?? [])]);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: options.openapi,
      components: {
        securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: (input) => {
      const transformed = jsonSchemaTransform(input);
      if (hidden.has(input.url)) return { ...transformed, schema: { ...transformed.schema, hide: true } };
      return transformed;
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
