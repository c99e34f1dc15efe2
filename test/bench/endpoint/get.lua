-- get.lua: wrk script, GetItem of a random one of ITEMS items (env ITEMS; TABLE, Bench by default).
local items = tonumber(os.getenv("ITEMS") or "10000")
local tablename = os.getenv("TABLE") or "Bench"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.0"
wrk.headers["X-Amz-Target"] = "DynamoDB_20120810.GetItem"
-- dynalite wants a signature-shaped header; dynamo runs with dynamo.http_auth = off here
wrk.headers["X-Amz-Date"] = "20260101T000000Z"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0"
request = function()
    return wrk.format(nil, "/", nil,
        '{"TableName":"' .. tablename .. '","Key":{"pk":{"S":"k' .. math.random(1, items) .. '"}}}')
end
response = function(status, headers, body)
    if status ~= 200 then errors_seen = (errors_seen or 0) + 1 end
end
