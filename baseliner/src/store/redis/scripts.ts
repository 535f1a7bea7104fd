/**
 * The Lua scripts of the Redis baseline store. Each touches the keys of one owner only (one hash
 * tag, so it runs on Redis Cluster), is atomic, and is written to be re-run safely: the upsert
 * checks and stores the owner's last applied offset in the same step as the edges.
 *
 * Value formats are those of `edge-codec.ts`: `first|last|flows|denied|verdict` for edges,
 * `first|last|flows|labels-json` for observations. Numbers are written with `%.0f` because Lua's
 * `tostring` turns epoch milliseconds into `1.7e+12`.
 */

/** A script and how many keys it takes. */
export interface LuaScript {
  readonly name: string;
  readonly numberOfKeys: number;
  readonly lua: string;
}

// Lua's unpack() has a limit on the number of values (LUAI_MAXCSTACK, 8000): chunk big calls.
const HELPERS = `
local function chunked(command, key, list, step)
  local out = {}
  for i = 1, #list, step do
    local part = redis.call(command, key, unpack(list, i, math.min(i + step - 1, #list)))
    if type(part) == 'table' then for j = 1, #part do out[#out + 1] = part[j] end end
  end
  return out
end
local RANK = { allowed = 0, unknown = 1, denied = 2 }
local function later(t1, v1, t2, v2)
  if t1 ~= t2 then if t1 > t2 then return v1 else return v2 end end
  if RANK[v1] >= RANK[v2] then return v1 else return v2 end
end
local function num(x) return string.format('%.0f', x) end
local function parse_edge(value)
  local f, l, n, d, v = string.match(value, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
  return tonumber(f), tonumber(l), tonumber(n), tonumber(d), v
end
local function merge_edge(old, f, l, n, d, v)
  if not old then return num(f) .. '|' .. num(l) .. '|' .. num(n) .. '|' .. num(d) .. '|' .. v end
  local of, ol, on, od, ov = parse_edge(old)
  return num(math.min(of, f)) .. '|' .. num(math.max(ol, l)) .. '|' .. num(on + n) .. '|' .. num(od + d) .. '|' .. later(ol, ov, l, v)
end
`;

/**
 * Upserts one owner's pre-aggregated update.
 *
 * KEYS: edges, observations, meta, anomalies.
 * ARGV: offset field ('' = no offset check), first offset, last offset, edge count, then per edge
 * field, first, last, flows, denied, verdict, under-lock ('1'/'0'); then observation count and
 * per observation id, first, last, flows, labels-json.
 *
 * Returns `{'skipped'}`, `{'partial', stored}` or `{'applied', field...}` with the fields of edges
 * that became anomalies just now.
 */
export const UPSERT_OWNER: LuaScript = {
  name: 'palisadeUpsertOwner',
  numberOfKeys: 4,
  lua: `${HELPERS}
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
      local of, ol, on, olabels = string.match(old, '^([^|]*)|([^|]*)|([^|]*)|(.*)$')
      local mine, theirs, common, any = cjson.decode(labels), cjson.decode(olabels), {}, false
      for k, v in pairs(mine) do if theirs[k] == v then common[k] = v; any = true end end
      labels = any and cjson.encode(common) or '{}'
      f, l, n = math.min(f, tonumber(of)), math.max(l, tonumber(ol)), n + tonumber(on)
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
`,
};

/**
 * Expires one owner's edges and observations last seen before the cutoff, and compares its edges
 * with the set remembered at the previous refresh.
 *
 * KEYS: edges, observations, refreshed. ARGV: cutoff.
 * Returns `{ {field, value, ...expired}, {field...added} }`.
 */
export const REFRESH_OWNER: LuaScript = {
  name: 'palisadeRefreshOwner',
  numberOfKeys: 3,
  lua: `${HELPERS}
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
  local _, l = string.match(observations[i + 1], '^([^|]*)|([^|]*)|')
  if tonumber(l) < cutoff then stale[#stale + 1] = observations[i] end
end
if #stale > 0 then chunked('HDEL', KEYS[2], stale, 1000) end
redis.call('DEL', KEYS[3])
if #kept > 0 then chunked('SADD', KEYS[3], kept, 1000) end
return { expired, added }
`,
};

/**
 * Moves all of one owner's anomalies into its edges.
 *
 * KEYS: edges, anomalies. Returns `{field, value, ...}` of the approved anomalies.
 */
export const APPROVE_OWNER: LuaScript = {
  name: 'palisadeApproveOwner',
  numberOfKeys: 2,
  lua: `${HELPERS}
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
`,
};

/**
 * Raises partition offsets, never lowering one: a replica that lost its partition in a rebalance
 * may flush late, and its older resume point must not override the newer one of the new owner.
 * (Any recorded offset is safe to resume from: a replica records one only after storing
 * everything below it.)
 *
 * KEYS: the partition-offsets hash. ARGV: partition, offset, partition, offset, ...
 */
export const RAISE_OFFSETS: LuaScript = {
  name: 'palisadeRaiseOffsets',
  numberOfKeys: 1,
  lua: `
for i = 1, #ARGV, 2 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if not old or tonumber(old) < tonumber(ARGV[i + 1]) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1
`,
};

/** Every script, for registration with the client. */
export const BASELINE_SCRIPTS: readonly LuaScript[] = [UPSERT_OWNER, REFRESH_OWNER, APPROVE_OWNER, RAISE_OFFSETS];
