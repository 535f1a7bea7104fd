--[[
  The value formats of `model/edge-codec.ts`, and the edge merge rule of `mergeEdgeEvidence`
  (`model/edge.ts`), for the scripts that read or merge stored values (@include "codec").

  Edge value:        first|last|flows|denied|verdict
  Observation value: first|last|flows|labels-json

  Numbers are written with `%.0f` because Lua's `tostring` turns epoch milliseconds into `1.7e+12`.
]]
local function num(x) return string.format('%.0f', x) end

-- The later verdict; on equal times the more severe one, so the result never depends on order.
local RANK = { allowed = 0, unknown = 1, denied = 2 }
local function later(t1, v1, t2, v2)
  if t1 ~= t2 then if t1 > t2 then return v1 else return v2 end end
  if RANK[v1] >= RANK[v2] then return v1 else return v2 end
end

local function parse_edge(value)
  local f, l, n, d, v = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  return tonumber(f), tonumber(l), tonumber(n), tonumber(d), v
end

-- The stored value `old` (or nil) merged with the evidence f, l, n, d, v: min/max of times, sums
-- of counts, the later verdict.
local function merge_edge(old, f, l, n, d, v)
  if not old then return num(f) .. '|' .. num(l) .. '|' .. num(n) .. '|' .. num(d) .. '|' .. v end
  local of, ol, on, od, ov = parse_edge(old)
  return num(math.min(of, f)) .. '|' .. num(math.max(ol, l)) .. '|' .. num(on + n) .. '|' .. num(od + d) .. '|' .. later(ol, ov, l, v)
end

-- first, last, flows (numbers) and the labels JSON of an observation value.
local function parse_observation(value)
  local f, l, n, labels = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
  return tonumber(f), tonumber(l), tonumber(n), labels
end
