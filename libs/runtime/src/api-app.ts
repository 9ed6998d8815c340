import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { createHttpApp, type HttpAppOptions } from './fastify-app';
import { zodValidatorCompiler } from './zod-validator';

export interface ApiAppOptions extends HttpAppOptions {
  /** The OpenAPI document's `info`, plus optional document-level parts. */
  openapi: {
    title: string;
    version: string;
    description?: string;
    /** Where the API is served. @default undefined (the document's location) */
    servers?: OpenApiServer[];
    /** Route groups, in the order Swagger UI shows them. @default undefined */
    tags?: Array<{ name: string; description?: string }>;
    /** Added to the default `apiKey` (header `x-api-key`) scheme. @default {} */
    securitySchemes?: Record<string, OpenApiSecurityScheme>;
    /** Alternatives a client may satisfy (`{}` = anonymous). @default [{apiKey: []}] */
    security?: Array<Record<string, string[]>>;
  };
  /** Paths left out of the OpenAPI document (health, metrics are always left out). */
  hiddenPaths?: string[];
}

/** One entry of the OpenAPI `servers` list; `{name}` in the URL refers to `variables`. */
export interface OpenApiServer {
  url: string;
  description?: string;
  variables?: Record<string, { default: string; description?: string; enum?: string[] }>;
}

/** An OpenAPI 3.0 security scheme (API key in a header or query, or HTTP bearer). */
export type OpenApiSecurityScheme =
  | { type: 'apiKey'; in: 'header' | 'query' | 'cookie'; name: string; description?: string }
  | { type: 'http'; scheme: string; bearerFormat?: string; description?: string };

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
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  const hidden = new Set([...ALWAYS_HIDDEN, ...(options.hiddenPaths ?? [])]);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: options.openapi.title,
        version: options.openapi.version,
        description: options.openapi.description,
      },
      ...(options.openapi.servers ? { servers: options.openapi.servers } : {}),
      ...(options.openapi.tags ? { tags: options.openapi.tags } : {}),
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
          ...options.openapi.securitySchemes,
        },
      },
      security: options.openapi.security ?? [{ apiKey: [] }],
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
