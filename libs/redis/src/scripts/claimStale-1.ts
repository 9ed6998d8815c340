import type { ScriptDefinition } from './script';

/** XAUTOCLAIM plus each claimed entry's delivery count, in one round trip (libs/queue). */
export const claimStale: ScriptDefinition = {
  name: 'claimStale',
  numberOfKeys: 1,
  lua: `
--[[
  Take over the entries of a consumer group that have been pending longer than a minimum
  idle time on any consumer (XAUTOCLAIM, which counts the claim as a delivery), and give
  each one's delivery count (XPENDING), which XAUTOCLAIM alone does not return. Scans the
  pending list from a cursor and calls XAUTOCLAIM again while the page came back short
  and the scan has not reached the end, at most ARGV[6] times, so one call does bounded
  work however long the pending list is.

  Input:
    KEYS[1] stream

    ARGV[1] group
    ARGV[2] consumer taking the entries
    ARGV[3] min idle ms
    ARGV[4] cursor: entry id to scan from ('0-0' = the start of the pending list)
    ARGV[5] most entries to claim
    ARGV[6] most XAUTOCLAIM calls

  Output:
    { next cursor ('0-0' once the scan reached the end), id, payload, deliveries, id, ... }
    Pending entries already trimmed from the stream are dropped from the pending list by
    XAUTOCLAIM and not returned. An entry without the field 'p' has payload ''.
]]
local cursor = ARGV[4]
local wanted = tonumber(ARGV[5])
local out = { cursor }
local claimed = 0
for _ = 1, tonumber(ARGV[6]) do
  local reply = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[3], cursor, 'COUNT', wanted - claimed)
  cursor = reply[1]
  for _, entry in ipairs(reply[2]) do
    -- Redis 6.2 lists trimmed entries here with nil fields (false in Lua); 7 lists them apart.
    local fields = entry[2]
    if fields then
      local payload = ''
      for i = 1, #fields, 2 do
        if fields[i] == 'p' then payload = fields[i + 1] end
      end
      local pending = redis.call('XPENDING', KEYS[1], ARGV[1], entry[1], entry[1], 1)[1]
      out[#out + 1] = entry[1]
      out[#out + 1] = payload
      out[#out + 1] = pending and pending[4] or 1
      claimed = claimed + 1
    end
  end
  if claimed >= wanted or cursor == '0-0' then break end
end
out[1] = cursor
return out
`,
};
