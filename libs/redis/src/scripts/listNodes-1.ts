import type { ScriptDefinition } from './script';

/** Registered nodes seen recently (alive) or not (stale), by Redis server time. */
export const listNodes: ScriptDefinition = {
  name: 'listNodes',
  numberOfKeys: 1,
  lua: `
--[[
  List registered nodes by last heartbeat, measured on the Redis clock.

  Input:
    KEYS[1] node registry (sorted set node id -> last seen ms)

    ARGV[1] node timeout ms
    ARGV[2] "alive": seen within the timeout; "stale": not seen for longer

  Output:
    array of node ids
]]
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local cutoff = now - tonumber(ARGV[1])
if ARGV[2] == 'stale' then
  return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. cutoff)
end
return redis.call('ZRANGEBYSCORE', KEYS[1], cutoff, '+inf')
`,
};
