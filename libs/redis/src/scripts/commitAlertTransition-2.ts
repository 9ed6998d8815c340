import type { ScriptDefinition } from './script';

/** Record an alert rule's new state and append its notifications to the outbox, atomically, if nobody moved the rule meanwhile. */
export const commitAlertTransition: ScriptDefinition = {
  name: 'commitAlertTransition',
  numberOfKeys: 2,
  lua: `
--[[
  Commit one alert rule transition (alert-engine evaluation): compare-and-set on the
  rule's state version, write the new state and XADD the notifications to the outbox in
  one atomic step, so a crash can never leave a notification without its state (sent
  twice after a redelivery) or a state without its notification (lost).

  Input:
    KEYS[1] rule-state hash: field = rule id, value = JSON state with a "version" number;
            field "~generation" counts every commit (a worker whose own commits are the
            only ones since it read states can trust what it read)
    KEYS[2] outbox stream (entries with field p = payload, as libs/queue writes them);
            same hash tag as KEYS[1]

    ARGV[1] rule id
    ARGV[2] expected version: the version the new state was computed from (0 = no stored state)
    ARGV[3] new state (JSON, its version = expected + 1)
    ARGV[4] outbox MAXLEN ~ (as the queue trims)
    ARGV[5..] notification payloads (JSON), appended in order

  Output:
    {1, generation}        committed; the hash's generation after this commit
    {-5, current | false}  AlertStateConflict: the stored version differs; the stored
                           state (JSON, false when absent) to evaluate again from
]]
local rcall = redis.call
local current = rcall('HGET', KEYS[1], ARGV[1])
local version = 0
if current then
  version = tonumber(cjson.decode(current)['version']) or 0
end
if version ~= tonumber(ARGV[2]) then
  return {-5, current}
end
rcall('HSET', KEYS[1], ARGV[1], ARGV[3])
local generation = rcall('HINCRBY', KEYS[1], '~generation', 1)
for i = 5, #ARGV do
  rcall('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], '*', 'p', ARGV[i])
end
return {1, generation}
`,
};
