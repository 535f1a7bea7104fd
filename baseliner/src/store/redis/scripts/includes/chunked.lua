--[[
  Shared by the scripts that send one command over a long list (@include "chunked").

  Lua's unpack() has a limit on the number of values (LUAI_MAXCSTACK, 8000): a command over a
  list longer than that is sent in chunks of `step` values, and the table replies are joined.
]]
local function chunked(command, key, list, step)
  local out = {}
  for i = 1, #list, step do
    local part = redis.call(command, key, unpack(list, i, math.min(i + step - 1, #list)))
    if type(part) == 'table' then for j = 1, #part do out[#out + 1] = part[j] end end
  end
  return out
end
