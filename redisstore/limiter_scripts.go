package redisstore

// limitScript begins each of the limiter's scripts. KEYS[1] is a key's
// bucket: its tokens n at time t (Unix µs); no bucket is a full one.
// KEYS[2] holds the calls held, each scored with when its lease ends.
// ARGV[1] is the calls a full bucket holds, ARGV[2] the µs for one to
// come back. Times are Redis's, one clock for every instance; numbers go
// to Redis formatted, since Lua would print them to 14 digits.
const limitScript = `
local t = redis.call('TIME')
local now = tonumber(t[1] .. string.format('%06d', tonumber(t[2])))
local burst, every = tonumber(ARGV[1]), tonumber(ARGV[2])
local function tokens()
	local b = redis.call('HMGET', KEYS[1], 'n', 't')
	if not b[1] then return burst end
	return math.min(burst, tonumber(b[1]) + (now - tonumber(b[2])) / every)
end
local function take(n)
	n = n - 1
	redis.call('HSET', KEYS[1], 'n', string.format('%.17g', n), 't', string.format('%.0f', now))
	redis.call('PEXPIRE', KEYS[1], math.ceil((burst - n) * every / 1000) + 1)
end
local function held()
	redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', string.format('%.0f', now))
	return redis.call('ZCARD', KEYS[2])
end
`

// takeScript takes a call when one is free, not counting held ones, and
// answers 0, or answers the µs until one is.
const takeScript = `
local n = tokens()
if n < 1 then return math.ceil((1 - n) * every) end
take(n)
return 0`

// holdScript holds a call as ARGV[3] for ARGV[4] µs when one is free
// beside the held ones, and answers 0, or answers the µs until one is.
const holdScript = `
local missing = held() + 1 - tokens()
if missing > 0 then return math.ceil(missing * every) end
local lease = tonumber(ARGV[4])
redis.call('ZADD', KEYS[2], string.format('%.0f', now + lease), ARGV[3])
redis.call('PEXPIRE', KEYS[2], math.ceil(lease / 1000) + 1)
return 0`

// releaseScript gives back the call held as ARGV[3], and when ARGV[4] is
// "true" takes a call for good, if one is free.
const releaseScript = `
redis.call('ZREM', KEYS[2], ARGV[3])
if ARGV[4] == 'true' then
	local n = tokens()
	if n >= 1 then take(n) end
end
return 0`
