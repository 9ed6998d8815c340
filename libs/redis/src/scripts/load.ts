import type { RedisClient } from '../client';
import { scripts, type ScriptName } from './index';

/** Runs a loaded script by name: EVALSHA, falling back to EVAL after a SCRIPT FLUSH or failover. */
export type ScriptRunner = (
  name: ScriptName,
  keys: readonly string[],
  args: readonly (string | number)[],
) => Promise<unknown>;

type ScriptMethod = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

// Registered under a namespaced method name so no script can shadow an ioredis command
// (a script called `publish` would replace client.publish).
const methodName = (name: ScriptName): string => `defiRealtime_${name}`;

const loaded = new WeakMap<RedisClient, ScriptRunner>();

/**
 * Define every script on `client` once (ioredis `defineCommand`, which sends EVALSHA and
 * re-sends the source on NOSCRIPT) and return a runner that calls them by name.
 */
export function loadScripts(client: RedisClient): ScriptRunner {
  const existing = loaded.get(client);
  if (existing) return existing;
  for (const script of Object.values(scripts)) {
    client.defineCommand(methodName(script.name as ScriptName), {
      numberOfKeys: script.numberOfKeys,
      lua: script.lua,
    });
  }
  const methods = client as unknown as Record<string, ScriptMethod>;
  const run: ScriptRunner = (name, keys, args) => {
    const script = scripts[name];
    if (keys.length !== script.numberOfKeys) {
      return Promise.reject(new TypeError(`Script ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`));
    }
    const method = methods[methodName(name)] as ScriptMethod;
    return method.call(client, ...keys, ...args);
  };
  loaded.set(client, run);
  return run;
}
