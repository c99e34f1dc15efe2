-- requests.lua: wrk script of transactions.sh; MODE (env) picks the requests:
--   put4     PutItem of one item a request (4 requests make one unit of work)
--   tx4      TransactWriteItems of 4 Puts
--   batch4   BatchWriteItem of 4 PutRequests (a reference for tx4)
--   tx25     TransactWriteItems of 25 Puts
--   batch25  BatchWriteItem of 25 PutRequests
--   get4     GetItem of one item a request (4 requests make one unit)
--   txget4   TransactGetItems of 4 Gets
-- Every mode goes through the same items in the same order: each wrk thread
-- owns a range of the ITEMS items of table Bench and takes the next keys of
-- its range (4 or 25 for a multi-item request, 1 for a single-item one), so
-- that put4 writes the items that tx4 writes in one request, and no two
-- requests in flight touch the same item (no lock conflicts, no cancellations).
-- With CHECK=1 (the runner's check before the runs) the script also reads
-- every answer: a status other than 200, or a read that does not return
-- its items, is counted and the first such answer printed at the end.
-- Written items are about 1 KB, as loaded by endpoint/load.py, with a payload
-- whose first letter tells which mode wrote it (the runner checks them).
local items = tonumber(os.getenv("ITEMS") or "10000")
local mode = os.getenv("MODE") or "put4"
local threads = tonumber(os.getenv("THREADS") or "2")
local per_request = ({put4 = 1, tx4 = 4, batch4 = 4, tx25 = 25, batch25 = 25, get4 = 1, txget4 = 4})[mode]
assert(per_request, "unknown MODE " .. mode)
local payload = string.sub(mode, 1, 1) .. string.rep("x", 959)

-- setup runs in the main Lua state, once a thread: it hands out thread numbers
local thread_count = 0
local all_threads = {}
function setup(thread)
    thread:set("thread_number", thread_count)
    thread_count = thread_count + 1
    table.insert(all_threads, thread)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
local targets = {put4 = "PutItem", tx4 = "TransactWriteItems", batch4 = "BatchWriteItem", tx25 = "TransactWriteItems",
                 batch25 = "BatchWriteItem", get4 = "GetItem", txget4 = "TransactGetItems"}
local target = "DynamoDB_20120810." .. targets[mode]

-- the thread's range of keys: a multiple of 100 items, so that a request
-- of 4 or 25 items never wraps around inside the range
local range, first, next_key
function init(args)
    range = math.floor(items / threads / 100) * 100
    assert(range >= 100, "ITEMS too small for THREADS")
    first = 1 + (thread_number or 0) * range
    next_key = 0
end

local function key_json()
    local key = '{"pk":{"S":"k' .. (first + next_key) .. '"}'
    next_key = (next_key + 1) % range
    return key
end
local function item_json()
    return key_json() .. ',"payload":{"S":"' .. payload .. '"}}'
end

local function list(n, element)
    local parts = {}
    for i = 1, n do parts[i] = element() end
    return table.concat(parts, ",")
end

local function put_item() return '{"TableName":"Bench","Item":' .. item_json() .. '}' end
local function get_item() return '{"TableName":"Bench","Key":' .. key_json() .. '}}' end
local function transact_write(n)
    return '{"TransactItems":[' .. list(n, function() return '{"Put":' .. put_item() .. '}' end) .. ']}'
end
local function transact_get(n)
    return '{"TransactItems":[' .. list(n, function() return '{"Get":' .. get_item() .. '}' end) .. ']}'
end
local function batch_write(n)
    return '{"RequestItems":{"Bench":[' .. list(n, function() return '{"PutRequest":{"Item":' .. item_json() .. '}}' end) .. ']}}'
end
local body = ({put4 = put_item, get4 = get_item,
               tx4 = function() return transact_write(4) end, tx25 = function() return transact_write(25) end,
               batch4 = function() return batch_write(4) end, batch25 = function() return batch_write(25) end,
               txget4 = function() return transact_get(4) end})[mode]

wrk.headers["X-Amz-Target"] = target
function request()
    return wrk.format(nil, "/", nil, body())
end

if os.getenv("CHECK") == "1" then
    local items_returned = ({get4 = 1, txget4 = 4})[mode] or 0
    bad_answers, first_bad = 0, nil
    function response(status, headers, answer)
        local _, found = string.gsub(answer, '"payload"', "")
        if status ~= 200 or found ~= items_returned then
            bad_answers = bad_answers + 1
            first_bad = first_bad or (status .. " " .. answer)
        end
    end
    function done(summary, latency, requests)
        local bad, first = 0, nil
        for _, thread in ipairs(all_threads) do
            bad = bad + thread:get("bad_answers")
            first = first or thread:get("first_bad")
        end
        io.write(string.format("check %s: %d requests, %d bad answers%s\n", mode, summary.requests, bad,
                               first and (", first: " .. string.sub(first, 1, 300)) or ""))
    end
end
