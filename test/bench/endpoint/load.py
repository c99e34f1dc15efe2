"""load.py: create table Bench (or TABLE) (pk S) and ITEMS items of ~1 KB through any
DynamoDB endpoint (dynamo or dynalite), with BatchWriteItem; usage:
load.py ENDPOINT ITEMS [TABLE] (TABLE: Bench unless given)"""
import json
import sys
import time
import urllib.request

endpoint, items = sys.argv[1], int(sys.argv[2])
table = sys.argv[3] if len(sys.argv) > 3 else "Bench"
HEADERS = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Date": "20260101T000000Z",
           "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, "
                            "SignedHeaders=host, Signature=0"}


def call(action, body):
    request = urllib.request.Request(endpoint, json.dumps(body).encode(),
                                     dict(HEADERS, **{"X-Amz-Target": "DynamoDB_20120810." + action}))
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


call("CreateTable", {"TableName": table, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                     "BillingMode": "PAY_PER_REQUEST"})
while call("DescribeTable", {"TableName": table})["Table"]["TableStatus"] != "ACTIVE":
    time.sleep(0.1)
for start in range(1, items + 1, 25):
    call("BatchWriteItem", {"RequestItems": {table: [
        {"PutRequest": {"Item": {"pk": {"S": "k%d" % k}, "payload": {"S": "x" * 960}}}}
        for k in range(start, min(start + 25, items + 1))]}})
