/** One Redis endpoint. */
export interface HostPort {
  host: string;
  port: number;
}

interface Credentials {
  username?: string;
  password?: string;
}

/** Where and how to connect, as read from one URL. */
export type RedisTarget =
  | ({ mode: 'standalone'; tls: boolean; host: string; port: number; db: number } & Credentials)
  | ({ mode: 'cluster'; tls: boolean; nodes: HostPort[] } & Credentials)
  | ({ mode: 'sentinel'; tls: boolean; sentinels: HostPort[]; masterName: string; db: number } & Credentials);

export const ACCEPTED_URL_FORMS = [
  'redis://[user:pass@]host[:port][/db]',
  'rediss://[user:pass@]host[:port][/db] (TLS)',
  'redis+cluster://[user:pass@]host1:port1,host2:port2 (rediss+cluster:// for TLS)',
  'redis+sentinel://[user:pass@]host1:port1,host2:port2/<masterName>[/db] (rediss+sentinel:// for TLS)',
] as const;

const URL_SHAPE = /^([a-z+]+):\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?$/;
const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;
const DB = /^\d{1,5}$/;

/**
 * Read a Redis URL. Throws a TypeError naming the URL (password masked) and the accepted
 * forms, so a typo in REDIS_URL is reported at start-up and not as a connection timeout.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const match = URL_SHAPE.exec(url);
  if (!match) throw invalid(url, 'it is not a URL');
  const [, scheme = '', userinfo, hostList = '', path = ''] = match;
  const credentials = parseCredentials(userinfo);
  const segments = path.split('/').filter((s) => s !== '');
  switch (scheme) {
    case 'redis':
    case 'rediss': {
      const [node, ...more] = parseHosts(url, hostList, 6379);
      if (!node || more.length > 0) throw invalid(url, 'a standalone URL names exactly one host');
      if (segments.length > 1) throw invalid(url, 'the path is only the db number');
      return { mode: 'standalone', tls: scheme === 'rediss', ...node, db: parseDb(url, segments[0]), ...credentials };
    }
    case 'redis+cluster':
    case 'rediss+cluster': {
      const nodes = parseHosts(url, hostList, 6379);
      if (nodes.length === 0) throw invalid(url, 'a cluster URL names at least one host');
      if (segments.length > 0) throw invalid(url, 'Redis Cluster has only db 0, so a cluster URL has no path');
      return { mode: 'cluster', tls: scheme === 'rediss+cluster', nodes, ...credentials };
    }
    case 'redis+sentinel':
    case 'rediss+sentinel': {
      const sentinels = parseHosts(url, hostList, 26379);
      if (sentinels.length === 0) throw invalid(url, 'a sentinel URL names at least one sentinel');
      const [masterName, db, ...rest] = segments;
      if (!masterName || rest.length > 0) throw invalid(url, 'the path is /<masterName>[/db]');
      return {
        mode: 'sentinel',
        tls: scheme === 'rediss+sentinel',
        sentinels,
        masterName: decodeURIComponent(masterName),
        db: parseDb(url, db),
        ...credentials,
      };
    }
    default:
      throw invalid(url, `unknown scheme "${scheme}"`);
  }
}

/** The URL with its password replaced by ***, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([^:]+:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
}

function parseCredentials(userinfo: string | undefined): Credentials {
  if (userinfo === undefined || userinfo === '') return {};
  const colon = userinfo.indexOf(':');
  const username = decodeURIComponent(colon === -1 ? userinfo : userinfo.slice(0, colon));
  const password = colon === -1 ? undefined : decodeURIComponent(userinfo.slice(colon + 1));
  return {
    ...(username !== '' ? { username } : {}),
    ...(password !== undefined && password !== '' ? { password } : {}),
  };
}

function parseHosts(url: string, hostList: string, defaultPort: number): HostPort[] {
  if (hostList === '') return [];
  return hostList.split(',').map((item) => {
    const match = HOST_PORT.exec(item);
    if (!match) throw invalid(url, `"${item}" is not host[:port]`);
    const [, rawHost = '', rawPort] = match;
    const port = rawPort === undefined ? defaultPort : Number(rawPort);
    if (port < 1 || port > 65535) throw invalid(url, `port ${rawPort} is out of range`);
    const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
    return { host, port };
  });
}

function parseDb(url: string, segment: string | undefined): number {
  if (segment === undefined) return 0;
  if (!DB.test(segment)) throw invalid(url, `db "${segment}" is not a number`);
  return Number(segment);
}

function invalid(url: string, reason: string): TypeError {
  return new TypeError(
    `Invalid Redis URL "${redactRedisUrl(url)}": ${reason}. Accepted forms: ${ACCEPTED_URL_FORMS.join('; ')}`,
  );
}
