"""test_ttl.py: Time to Live through the wire endpoint, with boto3.

UpdateTimeToLive and DescribeTimeToLive as an application meets them:
DISABLED before anything, the request echoed, ENABLING then ENABLED, the
refusals in DynamoDB's order (already enabled, another attribute, and then
the hour between two changes), ResourceNotFoundException for a missing
table; and the expiry worker deleting an expired item (and its GSI entry)
while a lasting one stays.

Error messages are DynamoDB's own, recorded from real DynamoDB in published
probe notes (ack-api-quirks DDB-TABLE-143, -146, -147).

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py;
psql reaches the endpoint's database (postgres), where the test shortens the
worker's interval for its run (ALTER SYSTEM, reset at the end).  Run with
Debian's python3 (python3-boto3).
"""
import sys
import time
import unittest
import warnings

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client, sql   # noqa: E402

TABLE = "WireTtl"
ALREADY_ENABLED = "TimeToLive is already enabled"
ALREADY_DISABLED = "TimeToLive is already disabled"
DIFFERENT = "TimeToLive is active on a different AttributeName: current AttributeName is {}"
TOO_SOON = "Time to live has been modified multiple times within a fixed interval"


def spec(attribute, enabled):
    return {"AttributeName": attribute, "Enabled": enabled}


class TimeToLive(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        try:
            cls.ddb.delete_table(TableName=TABLE)
        except ClientError:
            pass
        cls.ddb.create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            GlobalSecondaryIndexes=[{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "ALL"}}])
        sql("ALTER SYSTEM SET dynamo.ttl_interval = '200ms'")
        sql("SELECT pg_reload_conf()")

    @classmethod
    def tearDownClass(cls):
        sql("ALTER SYSTEM RESET dynamo.ttl_interval")
        sql("SELECT pg_reload_conf()")
        cls.ddb.delete_table(TableName=TABLE)

    def refused(self, message, **request):
        with self.assertRaises(ClientError) as caught:
            self.ddb.update_time_to_live(TableName=TABLE, **request)
        self.assertEqual(caught.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(caught.exception.response["Error"]["Message"], message)

    def describe(self):
        return self.ddb.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"]

    def test_lifecycle_and_expiry(self):
        ddb = self.ddb
        self.assertEqual(self.describe(), {"TimeToLiveStatus": "DISABLED"})
        self.refused(ALREADY_DISABLED, TimeToLiveSpecification=spec("expires", False))

        now = int(time.time())
        ddb.put_item(TableName=TABLE, Item={"id": {"S": "gone"}, "g": {"S": "x"}, "expires": {"N": str(now - 10)}})
        ddb.put_item(TableName=TABLE, Item={"id": {"S": "stays"}, "g": {"S": "x"},
                                            "expires": {"N": str(now + 3600)}})
        ddb.put_item(TableName=TABLE, Item={"id": {"S": "text"}, "g": {"S": "x"}, "expires": {"S": str(now - 10)}})

        answer = ddb.update_time_to_live(TableName=TABLE, TimeToLiveSpecification=spec("expires", True))
        self.assertEqual(answer["TimeToLiveSpecification"], spec("expires", True))
        self.assertIn(self.describe(), [{"TimeToLiveStatus": "ENABLING", "AttributeName": "expires"},
                                        {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}])

        # content first, then the interval between changes
        self.refused(ALREADY_ENABLED, TimeToLiveSpecification=spec("expires", True))
        self.refused(DIFFERENT.format("expires"), TimeToLiveSpecification=spec("other", True))
        self.refused(DIFFERENT.format("expires"), TimeToLiveSpecification=spec("other", False))
        self.refused(TOO_SOON, TimeToLiveSpecification=spec("expires", False))

        # ENABLED after the transition time; the expired item goes, with its GSI entry
        deadline = time.time() + 15
        while time.time() < deadline:
            left = {i["id"]["S"] for i in ddb.scan(TableName=TABLE, ConsistentRead=True)["Items"]}
            if self.describe()["TimeToLiveStatus"] == "ENABLED" and "gone" not in left:
                break
            time.sleep(0.2)
        self.assertEqual(self.describe(), {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"})
        self.assertEqual(left, {"stays", "text"})
        in_index = ddb.query(TableName=TABLE, IndexName="by_g", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "x"}})["Items"]
        self.assertEqual(sorted(i["id"]["S"] for i in in_index), ["stays", "text"])

    def test_missing_table(self):
        for call in (lambda: self.ddb.describe_time_to_live(TableName="WireTtlMissing"),
                     lambda: self.ddb.update_time_to_live(TableName="WireTtlMissing",
                                                          TimeToLiveSpecification=spec("e", True))):
            with self.assertRaises(ClientError) as caught:
                call()
            self.assertEqual(caught.exception.response["Error"]["Code"], "ResourceNotFoundException")
            self.assertEqual(caught.exception.response["Error"]["Message"],
                             "Requested resource not found: Table: WireTtlMissing not found")


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2, warnings="ignore")
