import type { ScriptDefinition } from './script';

/** Fixed-window counter whose window starts at the first increment. */
export const incrWindow: ScriptDefinition = {
  name: 'incrWindow',
  numberOfKeys: 1,
  lua: `
--[[
  Add to a fixed-window counter. The window starts at the first increment: the expiry
  is set only when the key has none, so later increments never extend the window.

  Input:
    KEYS[1] counter

    ARGV[1] amount to add
    ARGV[2] window ms

  Output:
    the count after adding
]]
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
-- PTTL -1: no expiry yet (new key, or one left without TTL); never leave a counter forever.
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return count
`,
};
