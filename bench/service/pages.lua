-- Requests a page of a random organisation (or region) for bench/service.sh, so the database's cache holds no single
-- organisation's rows: wrk -s pages.lua URL -- PATH_PREFIX CODE_PREFIX COUNT  (codes CODE_PREFIX + 6 digits)
-- or wrk -s pages.lua URL -- PATH_PREFIX list CODE,CODE,…
function init(args)
    prefix = args[1]
    codes = {}
    if args[2] == "list" then
        for code in args[3]:gmatch("[^,]+") do table.insert(codes, code) end
    else
        for index = 0, tonumber(args[3]) - 1 do table.insert(codes, args[2] .. string.format("%06d", index)) end
    end
    math.randomseed(os.time() + (id or 0))
end

function request()
    return wrk.format("GET", prefix .. codes[math.random(1, #codes)])
end
