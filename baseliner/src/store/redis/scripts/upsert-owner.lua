--[[
  Upserts one owner's pre-aggregated update, atomically and safe to re-run: the owner's last
  applied offset is checked and stored in the same step as its edges.

  Input:
    KEYS[1] the owner's edges hash
    KEYS[2] the owner's observations hash
    KEYS[3] the owner's meta hash (window, last applied offset per partition)
    KEYS[4] the owner's anomalies hash

    ARGV[1] offset field ('' = no offset check)
    ARGV[2] first offset of the update
    ARGV[3] last offset of the update
    ARGV[4] edge count E
    then per edge, 7 values: field, first, last, flows, denied, verdict, under-lock ('1'/'0')
    then the observation count O
    then per observation, 5 values: workload id, first, last, flows, labels-json

  Output:
    {'skipped'}          the store already holds the whole range
    {'partial', stored}  the store holds the range up to `stored`: resend the rest
    {'applied', field...} the fields of the edges that became anomalies just now
]]
--- @include "chunked"
--- @include "codec"

local offset_field = ARGV[1]
if offset_field ~= '' then
  local stored = redis.call('HGET', KEYS[3], offset_field)
  if stored then
    local s = tonumber(stored)
    if s >= tonumber(ARGV[3]) then return {'skipped'} end
    if s >= tonumber(ARGV[2]) then return {'partial', stored} end
  end
end
local edge_count = tonumber(ARGV[4])
local base = 5
local fields = {}
for i = 0, edge_count - 1 do fields[#fields + 1] = ARGV[base + i * 7] end
local known = {}
if edge_count > 0 then known = chunked('HMGET', KEYS[1], fields, 1000) end
local window = nil
local edge_writes, locked_fields, locked_at = {}, {}, {}
for i = 0, edge_count - 1 do
  local a = base + i * 7
  local f, l = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  if not window or f < window then window = f end
  local old = known[i + 1]
  if old or ARGV[a + 6] ~= '1' then
    edge_writes[#edge_writes + 1] = ARGV[a]
    edge_writes[#edge_writes + 1] = merge_edge(old or nil, f, l, tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), ARGV[a + 5])
  else
    locked_fields[#locked_fields + 1] = ARGV[a]
    locked_at[#locked_at + 1] = a
  end
end
if #edge_writes > 0 then chunked('HSET', KEYS[1], edge_writes, 1000) end
local new_anomalies = {'applied'}
if #locked_fields > 0 then
  local pending = chunked('HMGET', KEYS[4], locked_fields, 1000)
  local writes = {}
  for i = 1, #locked_fields do
    local a = locked_at[i]
    local old = pending[i]
    if not old then new_anomalies[#new_anomalies + 1] = locked_fields[i] end
    writes[#writes + 1] = locked_fields[i]
    writes[#writes + 1] = merge_edge(old or nil, tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), ARGV[a + 5])
  end
  chunked('HSET', KEYS[4], writes, 1000)
end
local obs_base = base + edge_count * 7
local obs_count = tonumber(ARGV[obs_base])
if obs_count > 0 then
  local ids = {}
  for i = 0, obs_count - 1 do ids[#ids + 1] = ARGV[obs_base + 1 + i * 5] end
  local stored_obs = chunked('HMGET', KEYS[2], ids, 1000)
  local writes = {}
  for i = 0, obs_count - 1 do
    local a = obs_base + 1 + i * 5
    local f, l, n, labels = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4]
    if not window or f < window then window = f end
    local old = stored_obs[i + 1]
    if old then
      local of, ol, on, olabels = parse_observation(old)
      local mine, theirs, common, any = cjson.decode(labels), cjson.decode(olabels), {}, false
      for k, v in pairs(mine) do if theirs[k] == v then common[k] = v; any = true end end
      labels = any and cjson.encode(common) or '{}'
      f, l, n = math.min(f, of), math.max(l, ol), n + on
    end
    writes[#writes + 1] = ARGV[a]
    writes[#writes + 1] = num(f) .. '|' .. num(l) .. '|' .. num(n) .. '|' .. labels
  end
  chunked('HSET', KEYS[2], writes, 1000)
end
local meta = {}
if window then
  local old_window = redis.call('HGET', KEYS[3], 'window')
  if not old_window or window < tonumber(old_window) then meta[#meta + 1] = 'window'; meta[#meta + 1] = num(window) end
end
if offset_field ~= '' then meta[#meta + 1] = offset_field; meta[#meta + 1] = ARGV[3] end
if #meta > 0 then redis.call('HSET', KEYS[3], unpack(meta)) end
return new_anomalies
