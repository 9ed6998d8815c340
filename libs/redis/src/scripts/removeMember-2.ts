import type { ScriptDefinition } from './script';

/** Remove a member from a shared set. */
export const removeMember: ScriptDefinition = {
  name: 'removeMember',
  numberOfKeys: 2,
  lua: `
--[[
  Remove a member, whoever owns it. Another node's owner set may keep a stale entry;
  reapMembers checks ownership, so that entry never removes a re-added member.

  Input:
    KEYS[1] members hash (member -> node id)
    KEYS[2] the calling node's owner set for this set key

    ARGV[1] member

  Output:
    the set's size after removing
]]
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('HLEN', KEYS[1])
`,
};
