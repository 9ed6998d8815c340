import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiKeyStore, AuthError, TIER_NAMES, isTierName, type ApiKeyRecord } from '@defi-realtime/auth';
import { openDatabase, type Database } from '@defi-realtime/db';
import { EXIT, UsageError, type CliIo } from './io';

// `defi-realtime keys` (also `npm run keys --`): the operator's API keys, straight in the
// database the apps use. See docs/auth.md.

const HELP = {
  main: `Usage: defi-realtime keys <command> [options]

Manage API keys in the database at DATABASE_URL (migrations are applied first).

Commands:
  create --tier <${TIER_NAMES.join('|')}> --name <name> [--owner <owner>] [--json]
                          make a key and print it once
  list [--owner <owner>] [--all] [--json]
                          show keys (never the keys themselves); --all includes revoked ones
  revoke <id|prefix>      revoke one key (by id, visible prefix, or the key itself)

Run "defi-realtime keys <command> --help" for one command.`,
  create: `Usage: defi-realtime keys create --tier <${TIER_NAMES.join('|')}> --name <name> [--owner <owner>] [--json]

Make an API key and print it. It is shown only this once: the database keeps its SHA-256.
  --tier    ${TIER_NAMES.join(', ')}
  --name    a label for people (e.g. alice, "grafana dashboard")
  --owner   whose alert rules and alerts the key reaches (default: the name)
  --json    print {key, record} as JSON`,
  list: `Usage: defi-realtime keys list [--owner <owner>] [--all] [--json]

List keys, oldest first: id, prefix, name, tier, owner, created, revoked, last used.
  --owner   only this owner's keys
  --all     include revoked keys
  --json    print the records as JSON`,
  revoke: `Usage: defi-realtime keys revoke <id|prefix>

Revoke a key. Processes that cached it stop accepting it within 10 s.
  <id|prefix>  the key's id (uuid), its visible prefix (drt_xxxxxxxx) or the key itself`,
} as const;

const NO_DATABASE = `DATABASE_URL is not set.
Without it the apps use an embedded database (PGlite) that lives inside the \`npm start\`
process, which this command cannot reach. Either:
  - set DATABASE_URL to the PostgreSQL server the apps use, e.g.
      DATABASE_URL=postgres://user:password@host:5432/dbname defi-realtime keys list
  - or, for development, give keys to \`npm start\` with SEED_API_KEYS="drt_<32 letters/digits>:pro,..."`;

/**
 * Run `keys`; resolves with the exit code. Its mistakes are answered here, with the
 * command's own help, rather than by the general usage line of run.ts.
 */
export async function runKeys(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, env, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof AuthError) {
      io.err(`${err.message}\n`);
      return err.code === 'INVALID_KEY_INPUT' ? EXIT.usage : EXIT.failed;
    }
    io.err(`keys: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT.failed;
  }
}

async function dispatch(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(`${HELP.main}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    throw new UsageError(`Unknown command "${command}".\n\n${HELP.main}`);
  }
  const args = parse(command, rest);
  if (args.values.help) {
    io.out(`${HELP[command]}\n`);
    return EXIT.ok;
  }
  if (command === 'create') validateCreate(args.values);
  if (command === 'revoke' && args.positionals.length !== 1)
    throw new UsageError(`revoke takes exactly one <id|prefix>.\n\n${HELP.revoke}`);

  const url = env['DATABASE_URL'];
  if (!url) throw new UsageError(NO_DATABASE);
  const db = await openDatabase({ url, applicationName: 'defi-realtime:keys' });
  try {
    const store = new ApiKeyStore(db, { cacheTtlMs: 0 });
    if (command === 'create') return await create(store, args.values, io);
    if (command === 'list') return await list(store, args.values, io);
    return await revoke(store, args.positionals[0] as string, io);
  } finally {
    await closeQuietly(db);
  }
}

type Values = { tier?: string; name?: string; owner?: string; all?: boolean; json?: boolean; help?: boolean };

const OPTIONS = {
  create: {
    help: { type: 'boolean', short: 'h' },
    tier: { type: 'string' },
    name: { type: 'string' },
    owner: { type: 'string' },
    json: { type: 'boolean' },
  },
  list: {
    help: { type: 'boolean', short: 'h' },
    owner: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  revoke: { help: { type: 'boolean', short: 'h' } },
} as const satisfies Record<string, NonNullable<ParseArgsConfig['options']>>;

function parse(command: keyof typeof OPTIONS, args: string[]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: OPTIONS[command],
      allowPositionals: command === 'revoke',
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${HELP[command]}`);
  }
}

function validateCreate(values: Values): void {
  if (!values.tier || !values.name) throw new UsageError(`create needs --tier and --name.\n\n${HELP.create}`);
  if (!isTierName(values.tier))
    throw new UsageError(`Unknown tier "${values.tier}": expected one of ${TIER_NAMES.join(', ')}.`);
}

async function create(store: ApiKeyStore, values: Values, io: CliIo): Promise<number> {
  const { key, record } = await store.create({
    name: values.name as string,
    tier: values.tier as never,
    owner: values.owner,
  });
  if (values.json) {
    io.out(`${JSON.stringify({ key, record })}\n`);
  } else {
    io.out(
      `Created API key ${record.prefix} (id ${record.id}) for ${record.name}, tier ${record.tier}, owner ${record.owner}:\n\n  ${key}\n\n`,
    );
    io.err('Copy it now: it cannot be shown again (only its SHA-256 hash is stored).\n');
  }
  return EXIT.ok;
}

async function list(store: ApiKeyStore, values: Values, io: CliIo): Promise<number> {
  const records = await store.list({ owner: values.owner, includeRevoked: values.all ?? false });
  if (values.json) {
    io.out(`${JSON.stringify(records)}\n`);
    return EXIT.ok;
  }
  if (records.length === 0) {
    io.out(values.all ? 'No API keys.\n' : 'No live API keys (--all includes revoked ones).\n');
    return EXIT.ok;
  }
  io.out(table(records));
  return EXIT.ok;
}

async function revoke(store: ApiKeyStore, idOrPrefix: string, io: CliIo): Promise<number> {
  const record = await store.revoke(idOrPrefix);
  io.out(`Revoked API key ${record.prefix} (id ${record.id}, ${record.name}) at ${formatDate(record.revokedAt)}.\n`);
  return EXIT.ok;
}

function table(records: ApiKeyRecord[]): string {
  const header = ['id', 'prefix', 'name', 'tier', 'owner', 'created', 'revoked', 'last used'];
  const rows = records.map((r) => [
    r.id,
    r.prefix,
    r.name,
    r.tier,
    r.owner,
    formatDate(r.createdAt),
    formatDate(r.revokedAt),
    formatDate(r.lastUsedAt),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

function formatDate(date: Date | null): string {
  return date === null ? '-' : `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

async function closeQuietly(db: Database): Promise<void> {
  await db.close().catch(() => undefined);
}
