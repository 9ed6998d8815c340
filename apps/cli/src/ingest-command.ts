import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { IngestBatchSchema, validate, type IngestRejection, type IngestResult } from '@defi-realtime/protocol';
import { EXIT, UsageError, type CliIo } from './io';

export const DEFAULT_INGEST_URL = 'http://127.0.0.1:8083';
export const INGEST_PATH = '/v1/ingest';

export const INGEST_HELP = `Usage: defi-realtime ingest <file.json> [options]

POST a batch of observations to the event processor's ${INGEST_PATH} and print how many
it accepted and rejected (and why). The file is one JSON object:
  {"prices": [{"tokenId": "coingecko:ethereum", "price": 3100.5, "timestamp": 1700000000000}],
   "tvl":    [{"protocolId": "aave-v3", "tvl": 12000000000, "timestamp": 1700000000000}]}

Options:
  --url <url>      the event processor (env DEFI_REALTIME_INGEST_URL; default ${DEFAULT_INGEST_URL})
  --token <token>  the bearer token (env INGEST_TOKEN)
  --json           print the server's answer as it came
  -h, --help       this help

Exit code 0 when every event was accepted, 1 when some were rejected or the request failed.`;

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Run `ingest`. */
export async function runIngest(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(`${INGEST_HELP}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('ingest takes exactly one <file.json>');
  const token = values.token ?? env.INGEST_TOKEN;
  if (!token)
    throw new UsageError(
      'no token: pass --token <token> or set INGEST_TOKEN (the event processor refuses ingest without it)',
    );
  const endpoint = ingestUrl(values.url ?? env.DEFI_REALTIME_INGEST_URL ?? DEFAULT_INGEST_URL);
  const file = positionals[0] as string;

  let body: string;
  try {
    body = await readFile(file, 'utf8');
  } catch (err) {
    io.err(`ingest: cannot read ${file}: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  let batch: unknown;
  try {
    batch = JSON.parse(body);
  } catch (err) {
    io.err(`ingest: ${file} is not JSON: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
  // The outer shape is checked here, the records by the server (which says which record failed and why).
  const shape = validate(IngestBatchSchema, batch);
  if (!shape.ok) {
    io.err(`ingest: ${file}: ${shape.error.message} (expected {"prices": [...], "tvl": [...]})\n`);
    return EXIT.failed;
  }

  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    io.err(`ingest: could not reach ${endpoint}: ${cause ?? (err as Error).message}\n`);
    return EXIT.failed;
  }
  const text = await response.text();
  const answer = parseObject(text);
  // A batch whose every record was refused comes back as 400 with the same result body.
  const result = isResult(answer) ? answer : undefined;
  if (!result && response.ok) {
    io.out(`HTTP ${response.status}: ${text}\n`);
    return EXIT.ok;
  }
  if (!result) {
    const what =
      answer && typeof answer.code === 'string'
        ? `${answer.code}: ${String(answer.message ?? '')}`
        : text.slice(0, 500);
    io.err(`ingest: ${endpoint} answered HTTP ${response.status}${what ? ` ${what}` : ''}\n`);
    return EXIT.failed;
  }
  if (values.json) {
    io.out(`${text}\n`);
  } else {
    io.out(
      `accepted ${result.accepted} (${plural(result.events ?? 0, 'event')}, ${plural(result.duplicates ?? 0, 'duplicate')}), rejected ${result.rejected.length}\n`,
    );
    for (const rejection of result.rejected) io.out(`  ${describeRejection(rejection)}\n`);
  }
  return result.rejected.length > 0 ? EXIT.failed : EXIT.ok;
}

/** The base URL gets `/v1/ingest`; a URL that already names a path is used as it is. */
export function ingestUrl(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new UsageError(`--url expects an http(s) URL such as ${DEFAULT_INGEST_URL}, got ${JSON.stringify(base)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url expects http:// or https://, got ${url.protocol}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = INGEST_PATH;
  return url.toString();
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function isResult(value: Record<string, unknown> | undefined): value is Record<string, unknown> & IngestResult {
  return value !== undefined && typeof value.accepted === 'number' && Array.isArray(value.rejected);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `price #3: price: expected a number >= 0` (the reason names the field; the field is added when it does not). */
function describeRejection(rejection: IngestRejection): string {
  const { field, reason } = rejection;
  return `${rejection.kind} #${rejection.index}: ${field && !reason.startsWith(`${field}:`) ? `${field}: ` : ''}${reason}`;
}
