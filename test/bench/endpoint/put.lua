-- put.lua: wrk script, PutItem of a random one of ITEMS items of about 1 KB (env ITEMS; TABLE, Bench by default).
local items = tonumber(os.getenv("ITEMS") or "10000")
local tablename = os.getenv("TABLE") or "Bench"
local payload = string.rep("x", 960)
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.PutItem"
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
request = function()
    return wrk.format(nil, "/", nil,
        '{"TableName":"' .. tablename .. '","Item":{"pk":{"S":"k' .. math.random(1, items) .. '"},"payload":{"S":"' .. payload .. '"}}}')
end
