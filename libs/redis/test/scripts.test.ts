import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ScriptErrorCode, scriptErrorName } from '../src/scripts/error-code';
import { scripts } from '../src/scripts/index';
import { loadScripts } from '../src/scripts/load';
import { setup, type RedisTestContext } from './util';

describe('script files', () => {
  const dir = join(__dirname, '../src/scripts');
  const files = readdirSync(dir).filter((f) => /-\d+\.ts$/.test(f));

  it('registers every <name>-<NUMKEYS>.ts file, with a matching name and key count', () => {
    const fromFiles = files.map((f) => f.replace(/\.ts$/, '')).sort();
    const fromRegistry = Object.values(scripts)
      .map((s) => `${s.name}-${s.numberOfKeys}`)
      .sort();
    expect(fromRegistry).toEqual(fromFiles);
  });

  it.each(Object.values(scripts))('$name documents every KEY, ARGV and its output', (script) => {
    const header = /--\[\[([\s\S]*?)\]\]/.exec(script.lua)?.[1] ?? '';
    for (let i = 1; i <= script.numberOfKeys; i++) expect(header).toContain(`KEYS[${i}]`);
    expect(header).not.toContain(`KEYS[${script.numberOfKeys + 1}]`);
    const usedArgs = new Set([...script.lua.matchAll(/ARGV\[(\d+)\]/g)].map((m) => m[1]));
    for (const n of usedArgs) expect(header).toContain(`ARGV[${n}]`);
    expect(header).toContain('Output:');
  });
});

describe('loadScripts', () => {
  let ctx: RedisTestContext;
  beforeEach(async () => (ctx = await setup('scripts')));
  afterEach(() => ctx.cleanup());

  it('runs scripts by name and keeps working after SCRIPT FLUSH', async () => {
    const run = loadScripts(ctx.client);
    const key = ctx.keys.counter('c');
    expect(await run('incrWindow', [key], [2, 60_000])).toBe(2);
    await ctx.client.script('FLUSH');
    expect(await run('incrWindow', [key], [3, 60_000])).toBe(5);
    expect(loadScripts(ctx.client)).toBe(run);
  });

  it('rejects a call with the wrong number of keys', async () => {
    const run = loadScripts(ctx.client);
    await expect(run('incrWindow', [], [1, 1000])).rejects.toThrow(/takes 1 keys, got 0/);
  });

  it('maps negative returns to ScriptErrorCode', async () => {
    const run = loadScripts(ctx.client);
    const k = ctx.keys;
    const claim = () => run('claimNode', [k.nodeAlive('a'), k.nodeClaim('a'), k.nodeRegistry()], ['a', 10_000, 'b']);
    expect(await claim()).toBe(ScriptErrorCode.NodeUnknown);
    await run('heartbeat', [k.nodeAlive('a'), k.nodeRegistry()], ['a', 10_000, '1']);
    expect(await claim()).toBe(ScriptErrorCode.NodeAlive);
    await ctx.client.del(k.nodeAlive('a'));
    expect(await claim()).toBe(1);
    expect(await claim()).toBe(ScriptErrorCode.NodeClaimed);
    expect(scriptErrorName(-2)).toBe('NodeClaimed');
    expect(scriptErrorName(-99)).toBe('unknown script return -99');
  });
});
