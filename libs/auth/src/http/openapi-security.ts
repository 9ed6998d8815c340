/**
 * The credential forms extractHttpCredential accepts, as OpenAPI 3.0 security schemes,
 * so every REST app documents the same ones (createApiApp's `securitySchemes`).
 */
export const HTTP_SECURITY_SCHEMES = {
  apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'An API key (drt_...)' },
  apiKeyQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'apiKey',
    description: 'An API key (drt_...); it ends up in proxy logs, prefer the header',
  },
  bearer: { type: 'http', scheme: 'bearer', description: 'Authorization: Bearer <API key or JWT>' },
} satisfies Record<
  string,
  | { type: 'apiKey'; in: 'header' | 'query'; name: string; description: string }
  | { type: 'http'; scheme: string; description: string }
>;

/** Any one of the schemes satisfies a request (OpenAPI `security` alternatives). */
export function httpSecurity(): Array<Record<string, string[]>> {
  return Object.keys(HTTP_SECURITY_SCHEMES).map((name) => ({ [name]: [] }));
}
