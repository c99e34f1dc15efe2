"""test_capacity.py: throttling through the wire endpoint, as boto3 meets it (and the raw
answer, for the members Debian's older botocore does not know).

A provisioned table whose burst bucket is spent answers
ProvisionedThroughputExceededException with DynamoDB's message and its
ThrottlingReasons (reason and resource ARN), writes nothing, and comes back
once the bucket refills; a GSI without capacity throttles the table writes
that carry its key, with an Index reason; BatchWriteItem that can serve
nothing raises; TransactWriteItems reports ProvisionedThroughputExceeded as
a cancellation reason; an on-demand GSI over its OnDemandThroughput maximum
answers ThrottlingException with throttlingReasons (its member's spelling
in the service model).

Where the expected behaviour comes from:
  (API)   the service model (ProvisionedThroughputExceededException and ThrottlingException members,
          ThrottlingReason's reason format ResourceType+OperationType+LimitType), TransactionCanceledException's
          documentation (reason codes ProvisionedThroughputExceeded / ThrottlingError and their messages);
  (guide) the developer guide's throttling pages (MaxOnDemandThroughputExceeded returned with
          ThrottlingException; "Throughput exceeds the maximum OnDemandThroughput configured on table or index"
          quoted from real answers in public code).

The endpoint's cluster runs with the default dynamo.burst_seconds (300): a
table at 1 unit holds 300 units of burst, so a loop of at most ~310 calls
reaches the throttle.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py.
"""
import sys
import unittest

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client, request, sql   # noqa: E402

TABLE_MESSAGE = ("The level of configured provisioned throughput for the table was exceeded. "
                 "Consider increasing your provisioning level with the UpdateTable API.")
INDEX_MESSAGE_START = "The level of configured provisioned throughput for one or more global secondary indexes"
MAX_ON_DEMAND = "Throughput exceeds the maximum OnDemandThroughput configured on table or index"


def arn(table, index=None):
    base = f"arn:aws:dynamodb:us-east-1:000000000000:table/{table}"
    return base + (f"/index/{index}" if index else "")


class Throttling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        for name in ("CapWire", "CapWireGsi", "CapWireOnDemand"):
            try:
                cls.ddb.delete_table(TableName=name)
            except ClientError:
                pass
        cls.ddb.create_table(TableName="CapWire", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
        cls.ddb.create_table(
            TableName="CapWireGsi", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            ProvisionedThroughput={"ReadCapacityUnits": 1000, "WriteCapacityUnits": 1000},
            GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"},
                                     "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}])
        # Debian's botocore predates OnDemandThroughput: the raw request
        status, body = request("CreateTable", {
            "TableName": "CapWireOnDemand", "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                     {"AttributeName": "g", "AttributeType": "S"}],
            "BillingMode": "PAY_PER_REQUEST",
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                        "Projection": {"ProjectionType": "KEYS_ONLY"},
                                        "OnDemandThroughput": {"MaxReadRequestUnits": 1,
                                                               "MaxWriteRequestUnits": 1}}]})
        assert status == 200, body

    def exhaust(self, table, item_of):
        """Put items until the first throttle; (puts admitted, the error, the id refused)."""
        for i in range(2000):
            item = item_of(i)
            try:
                self.ddb.put_item(TableName=table, Item=item)
            except ClientError as error:
                return i, error, item["id"]["S"]
        self.fail(f"{table}: never throttled")

    def test_1_table_write_throttled(self):
        admitted, error, refused = self.exhaust("CapWire", lambda i: {"id": {"S": f"w{i}"}})
        self.assertGreaterEqual(admitted, 300)
        self.assertLessEqual(admitted, 303)
        self.assertEqual(error.response["Error"]["Code"], "ProvisionedThroughputExceededException")
        self.assertEqual(error.response["Error"]["Message"], TABLE_MESSAGE)
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        # Debian's botocore predates ThrottlingReasons: the raw answer of the next (still throttled) put
        status, body = request("PutItem", {"TableName": "CapWire", "Item": {"id": {"S": "raw"}}})
        self.assertEqual((status, body["__type"]),
                         (400, "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"))
        self.assertEqual(body["ThrottlingReasons"],
                         [{"reason": "TableWriteProvisionedThroughputExceeded", "resource": arn("CapWire")}])
        # nothing written: the refused item is not there (reads have their own bucket)
        self.assertNotIn("Item", self.ddb.get_item(TableName="CapWire", Key={"id": {"S": refused}},
                                                   ConsistentRead=True))
        # a batch that can serve nothing raises rather than returning everything unprocessed
        with self.assertRaises(ClientError) as batch:
            self.ddb.batch_write_item(RequestItems={"CapWire": [
                {"PutRequest": {"Item": {"id": {"S": f"b{i}"}}}} for i in range(3)]})
        self.assertEqual(batch.exception.response["Error"]["Code"], "ProvisionedThroughputExceededException")
        # a transaction: its throttled actions are cancellation reasons
        with self.assertRaises(ClientError) as tx:
            self.ddb.transact_write_items(TransactItems=[
                {"Put": {"TableName": "CapWire", "Item": {"id": {"S": "t1"}}}},
                {"Put": {"TableName": "CapWireGsi", "Item": {"id": {"S": "t1"}}}}])
        self.assertEqual(tx.exception.response["Error"]["Code"], "TransactionCanceledException")
        codes = [r["Code"] for r in tx.exception.response["CancellationReasons"]]
        self.assertEqual(codes, ["ProvisionedThroughputExceeded", "None"])
        self.assertEqual(tx.exception.response["CancellationReasons"][0]["Message"], TABLE_MESSAGE)
        self.assertNotIn("Item", self.ddb.get_item(TableName="CapWireGsi", Key={"id": {"S": "t1"}},
                                                   ConsistentRead=True))

    def test_2_index_write_throttles_table_write(self):
        admitted, error, refused = self.exhaust("CapWireGsi",
                                                lambda i: {"id": {"S": f"g{i}"}, "g": {"S": f"v{i}"}})
        self.assertGreaterEqual(admitted, 150)    # two entries' worth: each put is one GSI write
        self.assertEqual(error.response["Error"]["Code"], "ProvisionedThroughputExceededException")
        self.assertTrue(error.response["Error"]["Message"].startswith(INDEX_MESSAGE_START))
        status, body = request("PutItem", {"TableName": "CapWireGsi",
                                           "Item": {"id": {"S": "raw"}, "g": {"S": "raw"}}})
        self.assertEqual(status, 400)
        self.assertEqual(body["ThrottlingReasons"],
                         [{"reason": "IndexWriteProvisionedThroughputExceeded",
                           "resource": arn("CapWireGsi", "by_g")}])
        self.assertNotIn("Item", self.ddb.get_item(TableName="CapWireGsi", Key={"id": {"S": refused}},
                                                   ConsistentRead=True))
        # an item without the index's key does not touch the GSI: it is written
        self.ddb.put_item(TableName="CapWireGsi", Item={"id": {"S": "plain"}})

    def test_3_on_demand_maximum(self):
        self.ddb.put_item(TableName="CapWireOnDemand", Item={"id": {"S": "a"}, "g": {"S": "x"}})
        status, body = request("PutItem", {"TableName": "CapWireOnDemand",
                                           "Item": {"id": {"S": "b"}, "g": {"S": "x"}}})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazon.coral.availability#ThrottlingException")
        self.assertEqual(body["message"], MAX_ON_DEMAND)
        self.assertEqual(body["throttlingReasons"],
                         [{"reason": "IndexWriteMaxOnDemandThroughputExceeded",
                           "resource": arn("CapWireOnDemand", "by_g")}])
        # the table itself is not limited
        self.ddb.put_item(TableName="CapWireOnDemand", Item={"id": {"S": "c"}})

    def test_4_view(self):
        rows = sql("SELECT count(*) FROM dynamo.capacity WHERE table_name = 'CapWire' AND partition IS NULL")
        self.assertEqual(rows, "2")
        throttled = float(sql("SELECT throttled FROM dynamo.capacity WHERE table_name = 'CapWire' "
                              "AND partition IS NULL AND kind = 'WRITE'"))
        self.assertGreaterEqual(throttled, 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
