import type { ScriptDefinition } from './script';

/** A channel's top position plus the events a reader asked for, in one consistent read. */
export const readHistory: ScriptDefinition = {
  name: 'readHistory',
  numberOfKeys: 2,
  lua: `
--[[
  Read a channel's top and either the events after a position or the latest ones.
  An empty channel gets its epoch pinned here, so every position handed out is a real
  one and a reader at offset 0 can later recover from the first event on.

  Input:
    KEYS[1] meta hash   {offset, epoch}
    KEYS[2] history stream

    ARGV[1] epoch to pin if the channel has none
    ARGV[2] meta TTL ms (only applied when pinning)
    ARGV[3] since epoch, or "" for the latest events
    ARGV[4] since offset (ignored for the latest events)
    ARGV[5] max number of events

  Output:
    {epoch, top offset, entries}: entries as XRANGE returns them, oldest first after
    since; newest first (XREVRANGE) for the latest events. Empty when the since epoch
    differs or more than ARGV[5] events were missed (the caller cannot recover anyway).
]]
local rcall = redis.call
local epoch = rcall('HGET', KEYS[1], 'epoch')
if not epoch then
  epoch = ARGV[1]
  rcall('DEL', KEYS[2])
  rcall('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
  rcall('PEXPIRE', KEYS[1], ARGV[2])
end
local top = tonumber(rcall('HGET', KEYS[1], 'offset') or '0')
local count = tonumber(ARGV[5])
if count <= 0 or top == 0 then
  return {epoch, top, {}}
end
if ARGV[3] == '' then
  return {epoch, top, rcall('XREVRANGE', KEYS[2], '+', '-', 'COUNT', count)}
end
local since = tonumber(ARGV[4])
local missed = top - since
if ARGV[3] ~= epoch or missed <= 0 or missed > count then
  return {epoch, top, {}}
end
return {epoch, top, rcall('XRANGE', KEYS[2], (since + 1) .. '-0', '+', 'COUNT', missed)}
`,
};
