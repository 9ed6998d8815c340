import { appsStartedIn } from './app-starts';

describe('appsStartedIn', () => {
  it('finds spawnApp calls and literal paths into an app', () => {
    const source = [
      "const gateway = await spawnApp('gateway', { ...env, GATEWAY_WORKERS: '1' });",
      'processor = await spawnApp(\n  "event-processor", env);',
      "args: ['--import', 'tsx', 'apps/query-api/src/main.ts'],",
      "const BIN = resolve(ROOT, 'apps/cli/bin/defi-realtime.js');",
    ].join('\n');
    expect(appsStartedIn(source).sort()).toEqual(['cli', 'event-processor', 'gateway', 'query-api']);
  });

  it('ignores paths built from a variable, and mentions that start nothing', () => {
    const source = [
      "spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, `apps/${app}/src/main.ts`)]);",
      'export function spawnApp(app: string, env: Record<string, string>) {}',
      '// tsup inlines this library into apps/<app>/dist/main.js',
      "import { createGateway } from '@defi-realtime/gateway';",
    ].join('\n');
    expect(appsStartedIn(source)).toEqual([]);
  });
});
