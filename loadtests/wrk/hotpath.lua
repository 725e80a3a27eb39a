-- hotpath's script for wrk 4 (Debian's `wrk`, built on LuaJIT). It does what the autocannon
-- driver does: walks the lesson's path or its mix (each request with its own headers), counts
-- only what answers inside the measured window (the ramp before it is dropped), tells 2xx from
-- the rest (3xx count as answers when asked), prints a progress line a second on stderr, and
-- ends with one line of JSON on stdout that loadtests/wrk-result.ts reads.
--
-- Settings come from the environment, so the same file runs by hand:
--   HOTPATH_WRK_REQUESTS          file, one request a line: path[<TAB>Name: value]... (default: the URL's path)
--   HOTPATH_WRK_RAMP_MS           ms of load before the window opens (default 0)
--   HOTPATH_WRK_DURATION_MS       ms the window stays open (default: until wrk stops)
--   HOTPATH_WRK_ACCEPT_REDIRECTS  1: 3xx are answers, not failures (site lessons)
--   HOTPATH_WRK_TIMEOUT_MS        a request still unanswered this long at the end counts as a timeout
--   e.g. HOTPATH_WRK_DURATION_MS=5000 wrk -t1 -c4 -d6s -s loadtests/wrk/hotpath.lua http://127.0.0.1:3000/

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } hotpath_timespec;
int clock_gettime(int clock_id, hotpath_timespec *tp);
]]
local CLOCK_REALTIME = 0 -- the clock Node's Date.now() reads: the runner schedules by it
local timespec = ffi.new("hotpath_timespec")

local function now_ms()
  ffi.C.clock_gettime(CLOCK_REALTIME, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local function env_number(name, default)
  local value = tonumber(os.getenv(name) or "")
  if value == nil then return default end
  return value
end

local accept_redirects = os.getenv("HOTPATH_WRK_ACCEPT_REDIRECTS") == "1"
local ok_below = accept_redirects and 400 or 300

-- In the main Lua state: every thread gets the same window, fixed when the first one is set up.

local threads = {}
local opens_at, closes_at -- ms; closes_at is -1 for a window that stays open

function setup(thread)
  if opens_at == nil then
    opens_at = now_ms() + env_number("HOTPATH_WRK_RAMP_MS", 0)
    local duration = env_number("HOTPATH_WRK_DURATION_MS", nil)
    closes_at = duration and (opens_at + duration) or -1
    -- The runner reads the server's counters and the generator's CPU at these moments.
    io.stderr:write(string.format("HOTPATH_WRK_WINDOW %.3f %.3f\n", opens_at, closes_at))
  end
  threads[#threads + 1] = thread
  -- Globals of the thread's own state: its functions below read them.
  thread:set("thread_id", #threads)
  thread:set("window_start", opens_at)
  thread:set("window_end", closes_at)
end

-- In each thread's own Lua state (globals set by setup above).

local requests = {}
local next_request = 0
local verify_pending = false
local next_tick = 0
-- Read back by done() through thread:get, so a global.
hotpath_counts = { responses = 0, ok = 0, not_ok = 0, ok_bytes = 0, sent = 0, received = 0, ok_total = 0, started = 0, last_response = 0 }

local function parse_request(line)
  local path, rest = line:match("^([^\t]+)(.*)$")
  local headers = {}
  for name, value in rest:gmatch("\t([^:\t]+): ([^\t]*)") do headers[name] = value end
  return wrk.format("GET", path, headers)
end

function init(args)
  if window_end == -1 then window_end = math.huge end
  local file = os.getenv("HOTPATH_WRK_REQUESTS")
  if file and file ~= "" then
    for line in io.lines(file) do
      if line ~= "" then requests[#requests + 1] = parse_request(line) end
    end
  end
  if #requests == 0 then requests[1] = wrk.format("GET", wrk.path) end
  -- wrk calls request() once on the first thread to check the request before any load: not sent.
  verify_pending = thread_id == 1
  hotpath_counts.started = now_ms()
  next_tick = hotpath_counts.started + 1000
end

function request()
  if verify_pending then
    verify_pending = false
    return requests[1]
  end
  hotpath_counts.sent = hotpath_counts.sent + 1
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  local c = hotpath_counts
  local now = now_ms()
  c.received = c.received + 1
  c.last_response = now
  local ok = status >= 200 and status < ok_below
  if ok then c.ok_total = c.ok_total + 1 end
  if now >= window_start and now < window_end then
    c.responses = c.responses + 1
    if ok then
      c.ok = c.ok + 1
      c.ok_bytes = c.ok_bytes + #body
    else
      c.not_ok = c.not_ok + 1
    end
  end
  if now >= next_tick then
    io.stderr:write(string.format("HOTPATH_WRK_TICK %d %d %.3f\n", thread_id, c.ok_total, now))
    next_tick = now + 1000
  end
end

-- Back in the main state, after every thread has stopped.

function done(summary, latency, _)
  local finished = now_ms()
  local timeout_ms = env_number("HOTPATH_WRK_TIMEOUT_MS", math.huge)
  local total = { responses = 0, ok = 0, not_ok = 0, ok_bytes = 0, sent = 0, received = 0, stalled = 0 }
  for _, thread in ipairs(threads) do
    local c = thread:get("hotpath_counts")
    for _, key in ipairs({ "responses", "ok", "not_ok", "ok_bytes", "sent", "received" }) do total[key] = total[key] + c[key] end
    -- wrk itself never times out a request that gets no answer: a thread whose requests were
    -- still out and that heard nothing for the whole timeout counts them as timeouts.
    local in_flight = c.sent - c.received
    local quiet_since = c.last_response > 0 and c.last_response or c.started
    if in_flight > 0 and finished - quiet_since >= timeout_ms then total.stalled = total.stalled + in_flight end
  end
  local e = summary.errors
  local fields = {
    string.format('"responses":%d,"ok":%d,"notOk":%d,"okBytes":%d', total.responses, total.ok, total.not_ok, total.ok_bytes),
    string.format('"sent":%d,"received":%d,"stalled":%d', total.sent, total.received, total.stalled),
    string.format('"windowStartMs":%.3f,"windowEndMs":%.3f,"finishedMs":%.3f', opens_at, closes_at, finished),
    string.format('"wrk":{"requests":%d,"bytes":%d,"durationUs":%d}', summary.requests, summary.bytes, summary.duration),
    string.format('"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}', e.connect, e.read, e.write, e.status, e.timeout),
    -- (Summing latency(i) over i would walk the histogram once per value: seconds on a slow run.)
    string.format('"latencyUs":{"min":%d,"p50":%d,"p90":%d,"p99":%d,"max":%d,"mean":%.3f,"stdev":%.3f}',
      summary.requests > 0 and latency.min or 0, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean, latency.stdev),
  }
  io.stdout:write("HOTPATH_WRK_RESULT {" .. table.concat(fields, ",") .. "}\n")
end
