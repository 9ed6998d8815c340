import type { ScriptDefinition } from './script';

/** Remove, in batches, the members a node owned in one set. */
export const reapMembers: ScriptDefinition = {
  name: 'reapMembers',
  numberOfKeys: 2,
  lua: `
--[[
  Remove up to ARGV[2] members owned by a node (dead or closing) from one set. Called
  until it returns 0, so a node with many members never blocks Redis for long.

  Input:
    KEYS[1] members hash (member -> node id)
    KEYS[2] that node's owner set for this set key

    ARGV[1] node id
    ARGV[2] batch size

  Output:
    how many entries remain in the owner set
]]
local popped = redis.call('SPOP', KEYS[2], ARGV[2])
for _, member in ipairs(popped) do
  -- Only if still owned by this node: another node may have re-added the member since.
  if redis.call('HGET', KEYS[1], member) == ARGV[1] then
    redis.call('HDEL', KEYS[1], member)
  end
end
return redis.call('SCARD', KEYS[2])
`,
};
