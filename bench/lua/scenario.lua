-- One wrk script for every scenario, configured by environment variables (bench/lib.sh sets them):
--   BENCH_METHOD        GET or POST
--   BENCH_PATH          request path and query
--   BENCH_HEADERS       extra headers, "Name: value" separated by "|"
--   BENCH_BODY          request body (POST), e.g. a form-encoded token request
--   BENCH_POOL_FILE     one value per line, each sent once (codes, refresh tokens)
--   BENCH_POOL_HEADER   the header that carries a pool value, or
--   BENCH_POOL_FORM     the form field that carries it (appended to BENCH_BODY)
--   BENCH_CHAIN_FIELD   JSON field of a 2xx answer whose value goes back into the pool (refresh rotation)
--   BENCH_POOL_OUT      where done() writes the values still unused
--   BENCH_MAX_REQUESTS  stop after this many requests (0: only the -d duration bounds the run)
--   BENCH_RATE          a fixed offered rate, requests per second over all threads (0 or unset: each connection sends
--                       its next request as soon as the answer arrives). Requests follow one schedule per thread, a
--                       slot every 1/rate s, each taken by the next connection that is free; a server slower than the
--                       rate gets its connections back to back, and the run's rps says the rate it really reached.
-- Every status is counted in response(), and done() prints one machine-readable "BENCH ..." line.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
if body == "" then body = nil end
local pool_file = os.getenv("BENCH_POOL_FILE") or ""
local pool_header = os.getenv("BENCH_POOL_HEADER") or ""
local pool_form = os.getenv("BENCH_POOL_FORM") or ""
local chain_field = os.getenv("BENCH_CHAIN_FIELD") or ""
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0") or 0
local rate = tonumber(os.getenv("BENCH_RATE") or "0") or 0

local headers = {}
for pair in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^|]+") do
  local name, value = string.match(pair, "^%s*([^:]+):%s*(.-)%s*$")
  if name then headers[name] = value end
end

-- Per-thread state (each wrk thread runs its own copy of this script).
statuses = {}
exhausted = 0
duplicates = 0
missing = 0
sent = 0
pool = {}
local head, tail = 1, 0
local seen = {}
local fixed_request = nil

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

local function push(value)
  tail = tail + 1
  pool[tail] = value
end

local function pop()
  if head > tail then return nil end
  local value = pool[head]
  pool[head] = nil
  head = head + 1
  return value
end

function init(args)
  local index = thread_index or 1
  local total = tonumber(os.getenv("BENCH_THREADS") or "1") or 1
  if pool_file ~= "" then
    local n = 0
    for line in io.lines(pool_file) do
      if line ~= "" then
        -- Thread k of n takes lines k, k+n, k+2n, ...: no value is ever sent twice.
        if n % total == index - 1 then push(line) end
        n = n + 1
      end
    end
  else
    fixed_request = wrk.format(method, path, headers, body)
  end
end

-- Fixed rate (BENCH_RATE): wrk calls delay() before each request of a connection and waits that many ms. The slots are
-- on the monotonic clock (LuaJIT's FFI, as wrk's Lua has no sub-second clock), so rounding the wait to whole ms does
-- not drift the rate.
if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock_id, bench_timespec *tp);
  ]]
  local now_ts = ffi.new("bench_timespec")
  local function now_us()
    ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
    return tonumber(now_ts.tv_sec) * 1e6 + tonumber(now_ts.tv_nsec) / 1e3
  end
  local interval_us, next_slot = nil, nil

  function delay()
    if interval_us == nil then
      interval_us = 1e6 * (tonumber(os.getenv("BENCH_THREADS") or "1") or 1) / rate
    end
    local now = now_us()
    -- A slot already past is taken now (no burst to catch up: the schedule restarts from now).
    if next_slot == nil or next_slot < now then next_slot = now end
    local wait = next_slot - now
    next_slot = next_slot + interval_us
    return math.floor(wait / 1000)
  end
end

function request()
  sent = sent + 1
  if max_requests > 0 and sent > max_requests then
    wrk.thread:stop()
  end
  if fixed_request then return fixed_request end

  local value = pop()
  if value == nil then
    -- Out of single-use values: stop this thread rather than replay one. done() reports it and lib.sh fails the run.
    exhausted = exhausted + 1
    wrk.thread:stop()
    value = "pool-exhausted"
  end
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  local b = body
  if pool_header ~= "" then h[pool_header] = value end
  if pool_form ~= "" then
    b = (b and (b .. "&") or "") .. pool_form .. "=" .. value
  end
  return wrk.format(method, path, h, b)
end

function response(status, hdrs, resp_body)
  statuses[status] = (statuses[status] or 0) + 1
  if chain_field ~= "" and status >= 200 and status < 300 then
    local next_value = string.match(resp_body, '"' .. chain_field .. '"%s*:%s*"([^"]+)"')
    if next_value == nil then
      missing = missing + 1
    elseif seen[next_value] then
      duplicates = duplicates + 1
    else
      seen[next_value] = true
      push(next_value)
    end
  end
end

function done(summary, latency, requests)
  local counts = {}
  local ok, not_ok, total_exhausted, total_duplicates, total_missing = 0, 0, 0, 0, 0
  local out = nil
  local out_path = os.getenv("BENCH_POOL_OUT") or ""
  if out_path ~= "" then out = io.open(out_path, "w") end
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + n
      if status >= 200 and status < 300 then ok = ok + n else not_ok = not_ok + n end
    end
    total_exhausted = total_exhausted + thread:get("exhausted")
    total_duplicates = total_duplicates + thread:get("duplicates")
    total_missing = total_missing + thread:get("missing")
    if out then
      for _, value in pairs(thread:get("pool")) do out:write(value, "\n") end
    end
  end
  if out then out:close() end

  local status_list = {}
  for status, n in pairs(counts) do table.insert(status_list, status .. ":" .. n) end
  table.sort(status_list)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f mean_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d ok=%d non2xx=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d timeouts=%d pool_exhausted=%d duplicates=%d missing=%d statuses=%s\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6), math.floor(latency.mean),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, ok, not_ok,
    e.connect, e.read, e.write, e.timeout, total_exhausted, total_duplicates, total_missing,
    table.concat(status_list, ",")))
end
