import type { ScriptDefinition } from './script';

/** Add a node-owned member to a shared set. */
export const addMember: ScriptDefinition = {
  name: 'addMember',
  numberOfKeys: 2,
  lua: `
--[[
  Add a member owned by a node. The set is a hash member -> owner, so a later cleanup
  removes a member only if the dead node still owns it.

  Input:
    KEYS[1] members hash (member -> node id)
    KEYS[2] this node's owner set for this set key

    ARGV[1] member
    ARGV[2] node id

  Output:
    the set's size after adding
]]
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return redis.call('HLEN', KEYS[1])
`,
};
