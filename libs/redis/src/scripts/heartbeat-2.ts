import type { ScriptDefinition } from './script';

/** Say this node is alive. */
export const heartbeat: ScriptDefinition = {
  name: 'heartbeat',
  numberOfKeys: 2,
  lua: `
--[[
  Refresh a node's liveness key and its last-seen time (Redis server time, so nodes with
  skewed clocks agree).

  Input:
    KEYS[1] the node's liveness key
    KEYS[2] node registry (sorted set node id -> last seen ms)

    ARGV[1] node id
    ARGV[2] node timeout ms (TTL of the liveness key)
    ARGV[3] "1" on the node's first heartbeat, else "0"

  Output:
    0, or ScriptErrorCode.NodeWasDeclaredDown (-3) when the node was missing from the
    registry after its first heartbeat: peers declared it down and removed its members.
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local known = redis.call('ZSCORE', KEYS[2], ARGV[1])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now, ARGV[1])
if not known and ARGV[3] ~= '1' then
  return -3
end
return 0
`,
};
