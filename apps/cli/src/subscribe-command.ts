import { parseArgs } from 'node:util';
import {
  FiltersSchema,
  PositionSchema,
  SubscribeOptionsSchema,
  validate,
  type Filters,
  type Position,
  type SubscribeOptions,
} from '@defi-realtime/protocol';
import { ConnectionState, RealtimeClient, type RealtimeError } from '@defi-realtime/client';
import { formatSnapshotEntry, formatUpdate } from './format';
import { EXIT, UsageError, type CliIo } from './io';

export const DEFAULT_URL = 'ws://127.0.0.1:8080/v2/realtime';

export const SUBSCRIBE_HELP = `Usage: defi-realtime subscribe <channel...> [options]

Print live updates, one line each; reconnects and recovers by itself (reported on stderr).

Channels: prices, tvl, protocols, alerts, token:<tokenId>, protocol:<slug>[:<chain>],
chain:<chain>:prices, chain:<chain>:tvl   (e.g. token:coingecko:ethereum)

Options:
  --url <url>              the gateway (env DEFI_REALTIME_URL; default ${DEFAULT_URL})
  --api-key <key>          API key (env DEFI_REALTIME_API_KEY)
  --token <jwt>            a JWT instead of an API key (env DEFI_REALTIME_TOKEN)
  --filter <key=value>     repeatable; values may be comma-separated. Keys: chain, token,
                           protocol, type, minValue, maxValue, priceChange, tvlChange
                           (or the wire names chains, tokenIds, protocolIds, eventTypes)
  --throttle <ms>          at most one update per key per period (conflated, latest wins)
  --min-change <pct>       only updates that moved at least this much
  --snapshot               print the current values first
  --since <channel=offset:epoch>
                           repeatable; replay what came after this position first
  --count <n>              exit after n updates
  --json                   print each update as one JSON line (the message as received)
  -h, --help               this help

Examples:
  defi-realtime subscribe prices --filter chain=ethereum --throttle 1000
  defi-realtime subscribe token:coingecko:ethereum --json | jq .data.price`;

const OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  token: { type: 'string' },
  filter: { type: 'string', multiple: true },
  throttle: { type: 'string' },
  'min-change': { type: 'string' },
  snapshot: { type: 'boolean' },
  since: { type: 'string', multiple: true },
  count: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** What the command line asks for, checked. */
export interface SubscribeRequest {
  channels: string[];
  url: string;
  credentials: { apiKey: string } | { token: string };
  filters: Filters | undefined;
  options: SubscribeOptions | undefined;
  since: Record<string, Position> | undefined;
  count: number | undefined;
  json: boolean;
}

/** Parse `subscribe` arguments; throws UsageError naming the problem. Undefined: `--help` was printed. */
export function parseSubscribeArgs(args: string[], env: NodeJS.ProcessEnv): SubscribeRequest | undefined {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  if (positionals.length === 0)
    throw new UsageError('subscribe needs at least one channel, e.g. `defi-realtime subscribe prices`');
  const apiKey = values['api-key'] ?? env.DEFI_REALTIME_API_KEY;
  const token = values.token ?? env.DEFI_REALTIME_TOKEN;
  if (!apiKey && !token)
    throw new UsageError(
      'no credentials: pass --api-key <key> or set DEFI_REALTIME_API_KEY (npm start prints a demo key)',
    );
  const options: SubscribeOptions = {};
  if (values.throttle !== undefined) options.throttleMs = number('--throttle', values.throttle);
  if (values['min-change'] !== undefined) options.minChangePct = number('--min-change', values['min-change']);
  if (values.snapshot) options.snapshot = true;
  const checkedOptions = Object.keys(options).length > 0 ? check(SubscribeOptionsSchema, options, '') : undefined;
  const filters = values.filter?.length ? check(FiltersSchema, parseFilters(values.filter), '--filter ') : undefined;
  const since = values.since?.length ? parseSince(values.since, positionals) : undefined;
  const count = values.count === undefined ? undefined : number('--count', values.count);
  if (count !== undefined && (!Number.isInteger(count) || count < 1))
    throw new UsageError(`--count expects a whole number >= 1, got ${values.count}`);
  return {
    channels: positionals,
    url: values.url ?? env.DEFI_REALTIME_URL ?? DEFAULT_URL,
    credentials: apiKey ? { apiKey } : { token: token as string },
    filters,
    options: checkedOptions,
    since,
    count,
    json: values.json ?? false,
  };
}

/** Run `subscribe` until Ctrl-C, `--count` updates, or a permanent error. */
export async function runSubscribe(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const request = parseSubscribeArgs(args, env);
  if (!request) {
    io.out(`${SUBSCRIBE_HELP}\n`);
    return EXIT.ok;
  }
  let client: RealtimeClient;
  try {
    client = new RealtimeClient({ url: request.url, ...request.credentials });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const note = (text: string): void => io.err(`${text}\n`);
  note(`connecting to ${client.url}`);
  client.on('connected', (c) =>
    note(`${c.reconnected ? 'reconnected' : 'connected'} (connection ${c.connectionId}, tier ${c.tier ?? '?'})`),
  );
  client.on('disconnected', (d) => {
    if (d.reconnectInMs !== undefined)
      note(
        `disconnected: ${describeError(d.error)}; reconnecting in ${(d.reconnectInMs / 1000).toFixed(1)} s (attempt ${d.attempt})`,
      );
  });
  client.on('error', (e) => {
    if (e.code === 'RESUME_FAILED')
      note('resume refused (session expired or server restarted): subscribing again from the last positions');
    else if (client.state !== ConnectionState.Failed) note(`warning: ${describeError(e)}`);
  });
  client.on('announcement', (a) => note(`announcement${a.level ? ` (${a.level})` : ''}: ${a.message}`));

  const subscription = client.subscribe(request.channels, {
    ...(request.filters ? { filters: request.filters } : {}),
    ...(request.options ? { options: request.options } : {}),
    ...(request.since ? { since: request.since } : {}),
  });
  subscription.on('state', (s) => {
    if (s.new === 'subscribed') note(`subscribed: ${subscription.channels.join(', ')}`);
  });
  subscription.on('error', (e) => note(`error: ${describeError(e)}`));
  subscription.on('recovered', (r) => {
    const channels = Object.keys(r.channels).join(', ');
    if (r.recovered) note(`recovered ${channels} (via ${r.reason}): nothing missed`);
    else
      note(
        `recovery incomplete for ${Object.entries(r.channels)
          .filter(([, ok]) => !ok)
          .map(([c]) => c)
          .join(', ')} (via ${r.reason}): some events are gone, reload state`,
      );
  });
  subscription.on('snapshot', (s) => {
    if (request.json) io.out(`${JSON.stringify(s)}\n`);
    else for (const entry of s.data) io.out(`${formatSnapshotEntry(s.channel, entry)}\n`);
  });

  return new Promise<number>((resolve) => {
    let printed = 0;
    const finish = (code: number): void => {
      io.signal?.removeEventListener('abort', onAbort);
      void client.close().then(() => resolve(code));
    };
    const onAbort = (): void => finish(EXIT.ok);
    io.signal?.addEventListener('abort', onAbort);
    if (io.signal?.aborted) return onAbort();
    subscription.on('update', (update) => {
      io.out(request.json ? `${JSON.stringify(update)}\n` : `${formatUpdate(update)}\n`);
      if (request.count !== undefined && ++printed >= request.count) finish(EXIT.ok);
    });
    subscription.on('state', (s) => {
      if (s.new === 'failed') {
        note(`failed: ${describeError(s.error ?? subscription.error)}`);
        finish(EXIT.failed);
      }
    });
    client.connect().catch(() => undefined); // failures arrive as the subscription's `failed` state
  });
}

function describeError(error: RealtimeError | undefined): string {
  if (!error) return 'unknown error';
  return error.message.includes(error.code) ? error.message : `${error.code}: ${error.message}`;
}

function number(flag: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`${flag} expects a number, got ${JSON.stringify(text)}`);
  return value;
}

const LIST_FILTERS: Record<string, 'chains' | 'tokenIds' | 'protocolIds' | 'eventTypes'> = {
  chain: 'chains',
  chains: 'chains',
  token: 'tokenIds',
  tokenids: 'tokenIds',
  protocol: 'protocolIds',
  protocolids: 'protocolIds',
  type: 'eventTypes',
  eventtypes: 'eventTypes',
};
const NUMBER_FILTERS: Record<string, 'minValue' | 'maxValue'> = { minvalue: 'minValue', maxvalue: 'maxValue' };
const THRESHOLDS: Record<string, 'priceChange' | 'tvlChange'> = { pricechange: 'priceChange', tvlchange: 'tvlChange' };

/** `--filter chain=ethereum,arbitrum --filter minValue=1` -> `{chains: [...], minValue: 1}`. */
export function parseFilters(entries: string[]): Record<string, unknown> {
  const filters: Record<string, unknown> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1)
      throw new UsageError(`--filter expects key=value, got ${JSON.stringify(entry)}`);
    const key = entry.slice(0, eq).toLowerCase();
    const value = entry.slice(eq + 1);
    const list = LIST_FILTERS[key];
    if (list) {
      const values = value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      filters[list] = [...((filters[list] as string[] | undefined) ?? []), ...values];
    } else if (NUMBER_FILTERS[key]) {
      filters[NUMBER_FILTERS[key]] = number(`--filter ${key}`, value);
    } else if (THRESHOLDS[key]) {
      const thresholds = (filters.thresholds ??= {}) as Record<string, number>;
      thresholds[THRESHOLDS[key]] = number(`--filter ${key}`, value);
    } else {
      throw new UsageError(
        `unknown filter ${JSON.stringify(entry.slice(0, eq))}: expected one of chain, token, protocol, type, minValue, maxValue, priceChange, tvlChange`,
      );
    }
  }
  return filters;
}

/** `--since prices=41:e7f3` -> `{prices: {offset: 41, epoch: 'e7f3'}}`. */
export function parseSince(entries: string[], channels: string[]): Record<string, Position> {
  const since: Record<string, Position> = {};
  const known = new Set(channels.map((c) => c.toLowerCase()));
  for (const entry of entries) {
    const match = /^([^=]+)=(\d+):(.+)$/.exec(entry);
    if (!match)
      throw new UsageError(`--since expects channel=offset:epoch (e.g. prices=41:e7f3), got ${JSON.stringify(entry)}`);
    const [, channel, offset, epoch] = match as unknown as [string, string, string, string];
    if (!known.has(channel.toLowerCase()))
      throw new UsageError(`--since names ${JSON.stringify(channel)}, which is not one of the channels subscribed`);
    since[channel] = check(PositionSchema, { offset: Number(offset), epoch }, `--since ${channel}: `);
  }
  return since;
}

/** Validate with a protocol schema, in the protocol's wording ("throttleMs: expected a number <= 60000"). */
function check<S extends Parameters<typeof validate>[0]>(
  schema: S,
  value: unknown,
  label: string,
): ReturnType<S['parse']> {
  const result = validate(schema, value);
  if (!result.ok) throw new UsageError(`${label}${result.error.message}`);
  return result.value as ReturnType<S['parse']>;
}
