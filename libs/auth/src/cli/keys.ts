// `npm run keys -- <create|list|revoke> ...`: manage API keys (see docs/auth.md).
import { runKeysCli } from './keys-command';

runKeysCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
