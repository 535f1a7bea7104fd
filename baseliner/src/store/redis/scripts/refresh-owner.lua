--[[
  Expires one owner's edges and observations last seen before the cutoff, and compares its edges
  with the set remembered at the previous refresh.

  Input:
    KEYS[1] the owner's edges hash
    KEYS[2] the owner's observations hash
    KEYS[3] the owner's refreshed set (edge fields present at the last refresh)

    ARGV[1] cutoff (epoch ms): what was last seen before it expires

  Output:
    { {field, value, ...expired edges}, {field, ...edges added since the last refresh} }
]]
--- @include "chunked"
--- @include "codec"

local cutoff = tonumber(ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
local before = {}
for _, field in ipairs(redis.call('SMEMBERS', KEYS[3])) do before[field] = true end
local expired, expired_fields, added, kept = {}, {}, {}, {}
for i = 1, #all, 2 do
  local _, l = parse_edge(all[i + 1])
  if l < cutoff then
    expired[#expired + 1] = all[i]; expired[#expired + 1] = all[i + 1]; expired_fields[#expired_fields + 1] = all[i]
  else
    kept[#kept + 1] = all[i]
    if not before[all[i]] then added[#added + 1] = all[i] end
  end
end
if #expired_fields > 0 then chunked('HDEL', KEYS[1], expired_fields, 1000) end
local observations = redis.call('HGETALL', KEYS[2])
local stale = {}
for i = 1, #observations, 2 do
  local _, l = parse_observation(observations[i + 1])
  if l < cutoff then stale[#stale + 1] = observations[i] end
end
if #stale > 0 then chunked('HDEL', KEYS[2], stale, 1000) end
redis.call('DEL', KEYS[3])
if #kept > 0 then chunked('SADD', KEYS[3], kept, 1000) end
return { expired, added }
