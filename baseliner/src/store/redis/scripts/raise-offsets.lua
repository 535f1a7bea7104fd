--[[
  Raises partition offsets, never lowering one: a replica that lost its partition in a rebalance
  may flush late, and its older resume point must not override the newer one of the new owner.
  (Any recorded offset is safe to resume from: a replica records one only after storing
  everything below it.)

  Input:
    KEYS[1] the partition-offsets hash of one topic

    ARGV    partition, offset, partition, offset, ...

  Output:
    1
]]

for i = 1, #ARGV, 2 do
  local old = redis.call('HGET', KEYS[1], ARGV[i])
  if not old or tonumber(old) < tonumber(ARGV[i + 1]) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1
