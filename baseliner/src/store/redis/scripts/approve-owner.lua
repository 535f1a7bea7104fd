--[[
  Moves all of one owner's anomalies into its edges.

  Input:
    KEYS[1] the owner's edges hash
    KEYS[2] the owner's anomalies hash

  Output:
    {field, value, ...} of the approved anomalies (empty when there were none)
]]
--- @include "chunked"
--- @include "codec"

local pending = redis.call('HGETALL', KEYS[2])
if #pending == 0 then return {} end
local fields = {}
for i = 1, #pending, 2 do fields[#fields + 1] = pending[i] end
local known = chunked('HMGET', KEYS[1], fields, 1000)
local writes = {}
for i = 1, #fields do
  local f, l, n, d, v = parse_edge(pending[i * 2])
  writes[#writes + 1] = fields[i]
  writes[#writes + 1] = merge_edge(known[i] or nil, f, l, n, d, v)
end
chunked('HSET', KEYS[1], writes, 1000)
redis.call('DEL', KEYS[2])
return pending
