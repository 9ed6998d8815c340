/**
 * The cache key of a request: method, path and query with its parameters sorted, so
 * `?a=1&b=2` and `?b=2&a=1` share an entry. Credentials never reach it: the URL rewrite
 * took `?apiKey=` and the path key out before routing.
 */
export function cacheKey(method: string, url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt === -1) return `${method} ${url}`;
  const params = new URLSearchParams(url.slice(queryAt + 1));
  params.delete('apiKey');
  params.sort();
  const query = params.toString();
  return `${method} ${url.slice(0, queryAt)}${query ? `?${query}` : ''}`;
}
