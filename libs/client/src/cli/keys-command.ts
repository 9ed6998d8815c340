import { EXIT, type CliIo } from './io';

/** The operator command of @defi-realtime/auth (the one behind `npm run keys`). */
type KeysRunner = (argv: string[], env: NodeJS.ProcessEnv, io: { out(text: string): void; err(text: string): void }) => Promise<number>;

/**
 * `keys create|list|revoke`: handed to @defi-realtime/auth's runner, loaded only now so
 * that `subscribe` never loads the database drivers.
 */
export async function runKeys(args: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let runner: KeysRunner | undefined;
  try {
    runner = await loadKeysRunner();
  } catch (err) {
    io.err(`keys: @defi-realtime/auth could not be loaded (${(err as Error).message}). The keys command works inside the repository: \`npx defi-realtime keys ...\` or \`npm run keys -- ...\`\n`);
    return EXIT.failed;
  }
  if (!runner) {
    io.err(`keys: this build of @defi-realtime/auth does not export runKeysCli; use \`npm run keys -- ${args.join(' ')}\` meanwhile\n`);
    return EXIT.failed;
  }
  return runner(args, env, { out: io.out, err: io.err });
}

/** The runner, or undefined when @defi-realtime/auth does not export it. */
export async function loadKeysRunner(): Promise<KeysRunner | undefined> {
  const auth = (await import('@defi-realtime/auth')) as { runKeysCli?: unknown };
  return typeof auth.runKeysCli === 'function' ? (auth.runKeysCli as KeysRunner) : undefined;
}
