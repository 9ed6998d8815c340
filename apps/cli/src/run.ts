import { EXIT, UsageError, type CliIo } from './io';

export const MAIN_HELP = `Usage: defi-realtime <command> [options]

Commands:
  subscribe <channel...>      print live updates; reconnects and recovers by itself

For operators:
  keys <create|list|revoke>   manage API keys in the database at DATABASE_URL
  ingest <file.json>          post a batch of events to the event processor

Run "defi-realtime <command> --help" for one command.`;

type Command = (args: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>;

// Each command is loaded when it runs: `keys` alone needs the database drivers (pg,
// PGlite), `subscribe` alone the client, and start-up is what a user waits for.
const COMMANDS: Record<string, () => Promise<Command>> = {
  subscribe: async () => (await import('./subscribe-command')).runSubscribe,
  keys: async () => (await import('./keys-command')).runKeys,
  ingest: async () => (await import('./ingest-command')).runIngest,
};

/** Run the `defi-realtime` command line; resolves with the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(`${MAIN_HELP}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined; // not `toString` or `constructor`
  if (!load) {
    io.err(`defi-realtime: unknown command "${command}"\n\n${MAIN_HELP}\n`);
    return EXIT.usage;
  }
  try {
    const run = await load();
    return await run(rest, env, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`defi-realtime ${command}: ${err.message}\nRun "defi-realtime ${command} --help" for the options.\n`);
      return EXIT.usage;
    }
    io.err(`defi-realtime ${command}: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT.failed;
  }
}
