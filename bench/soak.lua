-- Mixed traffic for bench/soak.py, as one signed-in user: of every 10 requests, 5 list a
-- page, 2 read a seeded item, 1 creates an item, 1 deletes an item this thread created
-- (a list when none is left) and 1 asks /health/ready. Every answer outside 2xx is counted.
-- SOAK_TOKEN: the access token; SOAK_ITEM_IDS: comma-separated ids of the seeded items.

local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("SOAK_TOKEN"),
  ["Content-Type"] = "application/json",
}
local seeded = {}
for id in string.gmatch(os.getenv("SOAK_ITEM_IDS"), "%d+") do
  table.insert(seeded, id)
end
local list = "/api/v1/items?page=1&page_size=20"
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  non_2xx = 0
  last_bad_status = 0
  created = {}
end

function request()
  sent = sent + 1
  local slot = sent % 10
  if slot < 5 then
    return wrk.format("GET", list, headers)
  elseif slot < 7 then
    return wrk.format("GET", "/api/v1/items/" .. seeded[sent % #seeded + 1], headers)
  elseif slot == 7 then
    return wrk.format("POST", "/api/v1/items", headers, '{"name": "soak", "description": "x"}')
  elseif slot == 8 then
    local id = table.remove(created)
    if id then
      return wrk.format("DELETE", "/api/v1/items/" .. id, headers)
    end
    return wrk.format("GET", list, headers)
  end
  return wrk.format("GET", "/health/ready")
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
    last_bad_status = status
  elseif status == 201 then
    table.insert(created, string.match(body, '"id":%s*(%d+)'))
  end
end

function done(summary, latency, requests)
  local bad, status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non_2xx")
    if thread:get("last_bad_status") ~= 0 then
      status = thread:get("last_bad_status")
    end
  end
  io.write(string.format("soak non-2xx: %d (last status %d)\n", bad, status))
end
