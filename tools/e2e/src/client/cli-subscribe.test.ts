/*
 * `npx defi-realtime subscribe` as a child process against a real gateway process: what
 * it prints, Ctrl-C, a gateway restart under it, a refused key.
 */
import type { DataMessage } from '@defi-realtime/client';
import { exitCode, spawnCli, type CliProcess } from '@defi-realtime/cli/testing';
import { createEnvironment, type TestEnvironment } from './support/environment';
import { priceEvent } from './support/events';
import { closeAfterAll, eventually, START_TEST_TIMEOUT_MS } from './support/wait';

describe('defi-realtime subscribe (child process, real gateway)', () => {
  let env: TestEnvironment;
  const running: CliProcess[] = [];
  const start = (argv: string[], extra: NodeJS.ProcessEnv = {}) => {
    const process = spawnCli(['subscribe', ...argv, '--url', env.gateway.wsUrl], {
      DEFI_REALTIME_API_KEY: env.key,
      ...extra,
    });
    running.push(process);
    return process;
  };
  const subscribed = (process: CliProcess) =>
    eventually(
      () => process.stderr.some((l) => l.startsWith('subscribed:')),
      `"subscribed" on stderr (stderr: ${process.stderr.join(' | ')})`,
      60_000,
    );

  const started = closeAfterAll();
  beforeAll(async () => {
    env = await started.add(createEnvironment(), async (e) => {
      for (const process of running) process.child.kill('SIGKILL');
      await Promise.all(running.map((p) => p.exited));
      await e.cleanup();
    });
  }, START_TEST_TIMEOUT_MS);

  it(
    '--json prints one parseable JSON line per update, and Ctrl-C ends it with 0',
    async () => {
      const process = start(['token:coingecko:ethereum', '--json']);
      await subscribed(process);
      for (const price of [3000, 3100]) await env.publish(priceEvent(price, { previousPrice: 3000 }));
      await eventually(() => process.stdout.length === 2, 'two JSON lines');
      const updates = process.stdout.map((line) => JSON.parse(line) as DataMessage);
      expect(updates.map((u) => [u.type, u.channel, u.type === 'price_update' ? u.data.price : 0])).toEqual([
        ['price_update', 'token:coingecko:ethereum', 3000],
        ['price_update', 'token:coingecko:ethereum', 3100],
      ]);
      expect(updates[1]!.position.offset).toBe(updates[0]!.position.offset + 1);
      process.child.kill('SIGINT');
      expect(await exitCode(process)).toBe(0);
      expect(process.stderr[0]).toBe(`connecting to ${env.gateway.wsUrl}`);
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    'prints a readable line per update, applies --filter, and exits after --count',
    async () => {
      const process = start(['prices', '--filter', 'token=coingecko:ethereum', '--count', '2']);
      await subscribed(process);
      await env.publish(priceEvent(60_000, { tokenId: 'coingecko:bitcoin', symbol: 'BTC' })); // filtered out
      await env.publish(priceEvent(3100, { previousPrice: 3000 }));
      await env.publish(priceEvent(0.5, { tokenId: 'coingecko:ethereum', previousPrice: 1 }));
      expect(await exitCode(process)).toBe(0);
      expect(process.stdout).toHaveLength(2);
      expect(process.stdout[0]).toMatch(/^\d\d:\d\d:\d\d price_update prices ETH 3,100\.00 \(\+3\.33%\)$/);
      expect(process.stdout[1]).toMatch(/^\d\d:\d\d:\d\d price_update prices ETH 0\.5 \(-50\.00%\)$/);
    },
    START_TEST_TIMEOUT_MS,
  );

  it(
    'reports a gateway restart on stderr and keeps printing without a gap',
    async () => {
      const process = start(['token:coingecko:ethereum', '--json']);
      await subscribed(process);
      await env.publish(priceEvent(1));
      await eventually(() => process.stdout.length === 1, 'the first line');
      await env.restartGateway('SIGKILL', async () => {
        await env.publish(priceEvent(2));
      });
      await eventually(() => process.stderr.some((l) => l.startsWith('recovered')), 'the recovery report', 20_000);
      await env.publish(priceEvent(3));
      await eventually(() => process.stdout.length === 3, 'three lines', 10_000);
      expect(process.stdout.map((l) => (JSON.parse(l) as { data: { price: number } }).data.price)).toEqual([1, 2, 3]);
      expect(process.stderr.some((l) => /^disconnected: .*reconnecting in \d+\.\d s \(attempt \d+\)$/.test(l))).toBe(
        true,
      );
      expect(process.stderr).toContain('recovered token:coingecko:ethereum (via since): nothing missed');
      process.child.kill('SIGTERM');
      expect(await exitCode(process)).toBe(0);
    },
    2 * START_TEST_TIMEOUT_MS,
  );

  it(
    'exits with 1 and says why when the key is refused',
    async () => {
      const process = start(['prices'], { DEFI_REALTIME_API_KEY: 'drt_00000000000000000000000000000000' });
      expect(await exitCode(process, 60_000)).toBe(1);
      expect(process.stderr.join('\n')).toMatch(/failed: UNAUTHORIZED/);
    },
    START_TEST_TIMEOUT_MS,
  );
});
