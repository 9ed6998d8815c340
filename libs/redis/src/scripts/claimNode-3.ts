import type { ScriptDefinition } from './script';

/** Claim the cleanup of a node that stopped heartbeating; exactly one survivor wins. */
export const claimNode: ScriptDefinition = {
  name: 'claimNode',
  numberOfKeys: 3,
  lua: `
--[[
  Claim a silent node's cleanup. The claim key outlives the cleanup, so a survivor that
  read a stale registry cannot claim the same node again once it was forgotten.

  Input:
    KEYS[1] the silent node's liveness key
    KEYS[2] the silent node's claim key
    KEYS[3] node registry

    ARGV[1] silent node id
    ARGV[2] claim TTL ms
    ARGV[3] claiming node id

  Output:
    1 when claimed; ScriptErrorCode NodeAlive (-1) when the liveness key exists,
    NodeClaimed (-2) when another survivor holds the claim, NodeUnknown (-4) when the
    node is no longer registered.
]]
if redis.call('EXISTS', KEYS[1]) == 1 then
  return -1
end
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  return -4
end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[2]) then
  return -2
end
return 1
`,
};
