import { HTTP_SECURITY_SCHEMES, httpSecurity } from '@defi-realtime/auth';
import type { ApiAppOptions } from '@defi-realtime/runtime';

/** Route groups of the document, with their descriptions; routes name them in `schema.tags` (src/routes). */
export const OPENAPI_TAGS = [
  {
    name: 'TVL (DefiLlama-compatible)',
    description: "api.llama.fi's TVL endpoints, same paths, parameters and shapes: protocols, chains, history",
  },
  {
    name: 'Coins (DefiLlama-compatible)',
    description:
      "coins.llama.fi's price endpoints, same paths, parameters and shapes: current, historical, chart, percentage",
  },
  {
    name: 'Advanced queries',
    description: 'Questions the stream does not answer: filtered protocol lists with cursors, aggregates, movers',
  },
];

const DESCRIPTION = `REST side of defi-realtime: DefiLlama-compatible endpoints plus advanced queries.

**Authentication.** Send one credential: an API key in the \`x-api-key\` header, as
\`?apiKey=\`, as \`Authorization: Bearer <key>\`, or (as DefiLlama's pro API) as the first
path segment: \`/<APIKEY>/protocols\` or \`/<APIKEY>/api/protocols\` (pick the second server
below); or a JWT as \`Authorization: Bearer <jwt>\`. A missing or bad credential is 401
\`{code, message}\`, two of them in one request 400; 503 when they cannot be checked right now.

**Rate limits.** Requests per minute per key by tier (anonymous requests, where allowed:
per client address at the free tier). Every answer carries \`RateLimit-Limit\`,
\`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds); over the limit: 429
\`{code: "RATE_LIMITED", message}\` with \`Retry-After\`.

**Caching.** Answers carry a strong \`ETag\` and \`Cache-Control: no-cache\`: revalidate
with \`If-None-Match\` to get 304. \`x-cache: hit|miss\` says whether the server's cache
answered; a cached answer is dropped the moment its data changes.

**Errors.** \`{code, message, field?}\`; a bad parameter is 400 with \`field\` such as \`query.limit\`.`;

/** The OpenAPI parts of createApiApp's options: info, servers (header and path form), tags, security. */
export function openApiOptions(options: {
  version: string;
  publicUrl?: string;
  anonymous: boolean;
}): ApiAppOptions['openapi'] {
  const base = (options.publicUrl ?? '').replace(/\/+$/, '');
  return {
    title: 'defi-realtime query API',
    version: options.version,
    description: DESCRIPTION,
    servers: [
      {
        url: base || '/',
        description:
          'API key in the x-api-key header, ?apiKey= or Authorization: Bearer; or a JWT as Authorization: Bearer',
      },
      {
        url: `${base}/{apiKey}`,
        description: "API key as the first path segment (DefiLlama pro API's form)",
        variables: { apiKey: { default: 'drt_your_api_key', description: 'your API key (drt_...)' } },
      },
    ],
    tags: OPENAPI_TAGS,
    securitySchemes: HTTP_SECURITY_SCHEMES,
    // `{}` lists anonymous access as an alternative where it is allowed.
    security: [...httpSecurity(), ...(options.anonymous ? [{}] : [])],
  };
}
