import type { ScriptDefinition } from './script';

/** Response-cache read: the entry only when every version it was computed under is current. */
export const cacheLookup: ScriptDefinition = {
  name: 'cacheLookup',
  numberOfKeys: 2,
  lua: `
--[[
  Look up a cached response and check that none of its tags changed since it was computed,
  in one round trip. The versions hash holds an "epoch" (fresh each time the hash is
  created, so an expired or evicted hash can never make old entries match again) and one
  counter per tag; an entry stores the versions string read BEFORE its answer was computed.

  Input:
    KEYS[1] tag versions hash (fields: epoch, one per tag)
    KEYS[2] entry hash (fields: v versions, e etag, t content type, b body)

    ARGV[1] epoch to create the versions hash with when it does not exist (unique per call)
    ARGV[2] TTL of a newly created versions hash, ms
    ARGV[3...] the version fields of the entry's tags, in a fixed order

  Output:
    {1, etag, content type, body} when the entry exists and its versions are current
    {0, versions} otherwise (a miss): the current versions, to store the new answer with
]]
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  redis.call('HSET', KEYS[1], 'epoch', epoch)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
local current = {epoch}
if #ARGV > 2 then
  local values = redis.call('HMGET', KEYS[1], unpack(ARGV, 3))
  for i = 1, #values do
    current[i + 1] = values[i] or '0'
  end
end
local versions = table.concat(current, ',')
local entry = redis.call('HMGET', KEYS[2], 'v', 'e', 't', 'b')
if entry[1] == versions then
  return {1, entry[2], entry[3], entry[4]}
end
return {0, versions}
`,
};
