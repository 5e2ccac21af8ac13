-- wrk script: POSTs one image (MAMMOCAD_LOAD_IMAGE) to /detection/BreastCalcify as the old
-- clients do (multipart field "images"), and prints the figures bench/load_test.sh reports.
local path = os.getenv("MAMMOCAD_LOAD_IMAGE")
local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
local image = file:read("*all")
file:close()

local boundary = "mammocad-load-boundary-7d2f"
wrk.method = "POST"
wrk.path = os.getenv("MAMMOCAD_LOAD_PATH") or "/detection/BreastCalcify"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n" ..
  "Content-Disposition: form-data; name=\"images\"; filename=\"pic1\"\r\n" ..
  "Content-Type: application/octet-stream\r\n\r\n" .. image .. "\r\n" ..
  "--" .. boundary .. "--\r\n"

-- Replies by status, per wrk thread (each runs this script in its own Lua state).
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) ok, overloaded = 0, 0 end
response = function(status, headers, body)
  if status == 200 then ok = ok + 1 elseif status == 503 then overloaded = overloaded + 1 end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local ok_total, overloaded_total = 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    overloaded_total = overloaded_total + thread:get("overloaded")
  end
  -- With MAMMOCAD_LOAD_ALLOW_503 a 503 (the server shedding load) is not an error.
  local allow = os.getenv("MAMMOCAD_LOAD_ALLOW_503")
  local shed = (allow ~= nil and allow ~= "") and overloaded_total or 0
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.status - shed + summary.errors.timeout
  io.write(string.format("status_200=%d\n", ok_total))
  io.write(string.format("status_503=%d\n", overloaded_total))
  io.write(string.format("share_503=%.3f\n", overloaded_total / math.max(1, summary.requests)))
  io.write(string.format("requests=%d\n", summary.requests))
  io.write(string.format("errors=%d\n", errors))
  io.write(string.format("seconds=%.2f\n", seconds))
  io.write(string.format("throughput_rps=%.2f\n", summary.requests / seconds))
  for _, p in ipairs({50, 95, 99}) do
    io.write(string.format("p%d_ms=%.2f\n", p, latency:percentile(p) / 1000.0))
  end
  io.write(string.format("max_ms=%.2f\n", latency.max / 1000.0))
end
