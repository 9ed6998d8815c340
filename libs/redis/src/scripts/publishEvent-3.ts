import type { ScriptDefinition } from './script';

/** Append one event to a channel's history and publish it live, atomically. */
export const publishEvent: ScriptDefinition = {
  name: 'publishEvent',
  numberOfKeys: 3,
  lua: `
--[[
  Append one event to a channel's history and fan it out live, in one atomic step, so
  a live subscriber can never see an event that history lacks and offsets never repeat.

  Input:
    KEYS[1] meta hash   {offset, epoch}
    KEYS[2] history stream (entry id "<offset>-0", field p = payload)
    KEYS[3] live pub/sub channel (a KEY so cluster routing puts it in the same slot)

    ARGV[1] payload (JSON text, stored and published as is)
    ARGV[2] history size (MAXLEN ~)
    ARGV[3] history TTL ms (the stream outlives its last publish by this much)
    ARGV[4] meta TTL ms (longer than ARGV[3], so offsets survive an idle stream)
    ARGV[5] epoch to use if the channel has none (random, from the caller)
    ARGV[6] "1" for sharded pub/sub (SPUBLISH), "0" for PUBLISH

  Output:
    {offset, epoch} of the new event

  Live message: "<offset>:<epoch>:<payload>" (a short header, so the payload is never
  re-encoded; parsed and validated by the receiving node).
]]
local rcall = redis.call
local epoch = rcall('HGET', KEYS[1], 'epoch')
if not epoch then
  -- No meta: a new channel, or one whose history was lost. A stream left without its
  -- meta (eviction, manual DEL) belongs to the old epoch and must not be served again.
  epoch = ARGV[5]
  rcall('DEL', KEYS[2])
  rcall('HSET', KEYS[1], 'epoch', epoch, 'offset', 0)
end
local offset = rcall('HINCRBY', KEYS[1], 'offset', 1)
rcall('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], offset .. '-0', 'p', ARGV[1])
rcall('PEXPIRE', KEYS[2], ARGV[3])
rcall('PEXPIRE', KEYS[1], ARGV[4])
local message = offset .. ':' .. epoch .. ':' .. ARGV[1]
if ARGV[6] == '1' then
  rcall('SPUBLISH', KEYS[3], message)
else
  rcall('PUBLISH', KEYS[3], message)
end
return {offset, epoch}
`,
};
