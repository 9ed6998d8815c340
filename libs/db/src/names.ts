/** Quote an identifier for SQL text (LISTEN and SET cannot take parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Schema names are restricted to plain lower-case identifiers: they go into a connection
 * parameter (`-c search_path=...`) where quoting rules differ from SQL's.
 */
export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new TypeError(
      `Invalid schema option ${JSON.stringify(schema)}: expected 1-63 of a-z, 0-9 and _, not starting with a digit`,
    );
  }
}

/** PostgreSQL truncates identifiers (and so channel names) to 63 bytes; refuse instead. */
export function assertChannelName(channel: string): void {
  if (typeof channel !== 'string' || channel === '' || Buffer.byteLength(channel) > 63) {
    throw new TypeError(`Invalid channel ${JSON.stringify(channel)}: expected 1-63 bytes`);
  }
}

/** A connection URL as it may appear in messages and logs: the password replaced. */
export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}

/** Throws a TypeError naming the (masked) URL unless it is a postgres:// or postgresql:// URL. */
export function assertPostgresUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
    throw new TypeError(
      `Invalid database url ${JSON.stringify(maskUrl(url))}: expected postgres://user@host:port/database or postgresql://...`,
    );
  }
}
