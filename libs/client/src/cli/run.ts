import { runIngest } from './ingest-command';
import { EXIT, UsageError, type CliIo } from './io';
import { runKeys } from './keys-command';
import { runSubscribe } from './subscribe-command';

export const MAIN_HELP = `Usage: defi-realtime <command> [options]

Commands:
  subscribe <channel...>      print live updates; reconnects and recovers by itself
  keys <create|list|revoke>   manage API keys in the database at DATABASE_URL
  ingest <file.json>          post a batch of events to the event processor

Run "defi-realtime <command> --help" for one command.`;

const COMMANDS: Record<string, (args: string[], env: NodeJS.ProcessEnv, io: CliIo) => Promise<number>> = {
  subscribe: runSubscribe,
  keys: runKeys,
  ingest: runIngest,
};

/** Run the `defi-realtime` command line; resolves with the exit code. */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.err : io.out)(`${MAIN_HELP}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.err(`defi-realtime: unknown command "${command}"\n\n${MAIN_HELP}\n`);
    return EXIT.usage;
  }
  try {
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
