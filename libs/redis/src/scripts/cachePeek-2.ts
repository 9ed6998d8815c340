import type { ScriptDefinition } from './script';

/** Response-cache read by key alone: the entry only when the versions of the tags it was stored with are current. */
export const cachePeek: ScriptDefinition = {
  name: 'cachePeek',
  numberOfKeys: 2,
  lua: `
--[[
  The fast path of a cache hit: the caller has not validated the request nor computed its
  tags yet, so the entry's own tags (field g, one per line, stored by the caller in the
  same order cacheLookup was given them) say which versions to check. Same comparison as
  cacheLookup; never creates anything.

  Input:
    KEYS[1] tag versions hash (fields: epoch, t:<tag> counters)
    KEYS[2] entry hash (fields: v versions, e etag, t content type, b body, g tags)

  Output:
    {1, etag, content type, body, tags} when the entry exists and its versions are current
    {0} otherwise (the caller then takes the full path: validate, cacheLookup, compute)
]]
local entry = redis.call('HMGET', KEYS[2], 'v', 'e', 't', 'b', 'g')
if not entry[1] or not entry[5] then
  return {0}
end
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  return {0}
end
local fields = {}
for tag in string.gmatch(entry[5], '[^\\n]+') do
  fields[#fields + 1] = 't:' .. tag
end
local current = {epoch}
if #fields > 0 then
  local values = redis.call('HMGET', KEYS[1], unpack(fields))
  for i = 1, #values do
    current[i + 1] = values[i] or '0'
  end
end
if table.concat(current, ',') == entry[1] then
  return {1, entry[2], entry[3], entry[4], entry[5]}
end
return {0}
`,
};
