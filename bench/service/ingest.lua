-- Posts submissions for bench/service.sh: each line of the requests file (vigil admin seed-scale --ingest-requests)
-- is `token<TAB>json`, one organisation's next weekly submission. Thread N of T sends lines N, N+T, N+2T…, each once,
-- so no organisation's submissions race each other and none is a duplicate; a thread that runs out stops.
-- wrk -s ingest.lua URL -- FILE THREADS
local threads = {}
local count = 0

function setup(thread)
    thread:set("id", count)
    count = count + 1
    table.insert(threads, thread)
end

function init(args)
    local stride = tonumber(args[2])
    requests = {}
    local index = 0
    for line in io.lines(args[1]) do
        if index % stride == id then
            local tab = line:find("\t", 1, true)
            table.insert(requests, wrk.format("POST", "/api/v1/submissions", {
                ["Authorization"] = "Bearer " .. line:sub(1, tab - 1),
                ["Content-Type"] = "application/json",
            }, line:sub(tab + 1)))
        end
        index = index + 1
    end
    position = 0
    created = 0
    other = 0
    exhausted = 0
end

function request()
    position = position + 1
    if position >= #requests then
        exhausted = 1
        wrk.thread:stop()
    end
    return requests[math.min(position, #requests)]
end

function response(status, headers, body)
    if status == 201 then created = created + 1 else other = other + 1 end
end

function done(summary, latency, requests)
    local made, refused, ran_out = 0, 0, 0
    for _, thread in ipairs(threads) do
        made = made + thread:get("created")
        refused = refused + thread:get("other")
        ran_out = ran_out + thread:get("exhausted")
    end
    io.write(string.format("ingest created %d other %d exhausted %d seconds %.3f\n",
        made, refused, ran_out, summary.duration / 1e6))
end
