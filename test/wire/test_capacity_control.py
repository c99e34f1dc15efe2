"""test_capacity_control.py: the control plane of capacity through the wire endpoint, with boto3.

UpdateTable's throughput rules as an application (or an auto scaler) meets
them: the same throughput again refused, four decreases a UTC day and then one
an hour, the table's and each GSI's budget on their own, at most four switches
to PAY_PER_REQUEST in 24 hours; ProvisionedThroughput's NumberOfDecreasesToday,
LastIncreaseDateTime and LastDecreaseDateTime as boto3 parses them (datetimes);
a table's OnDemandThroughput; and the audit log, which records the endpoint's
control-plane changes with source 'endpoint' and the role the access key maps
to.

Error messages are DynamoDB's own: "(AWS probes)" were recorded from real
DynamoDB in published probe notes (ack-api-quirks DDB-TABLE-...), "(dynalite)"
are asserted by dynalite's tests, run against DynamoDB; "(inferred)" are not
confirmed anywhere and say so.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py;
psql reaches the endpoint's database (postgres) to move the budget's history
back in time and to read the audit log.  Run with Debian's python3
(python3-boto3).
"""
import datetime
import re
import sys
import unittest
import warnings

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client, request, sql   # noqa: E402

WILL_NOT_CHANGE = ("The provisioned throughput for the table will not change. The requested value equals the "
                   "current value. Current ReadCapacityUnits provisioned for the table: {0}. Requested "
                   "ReadCapacityUnits: {0}. Current WriteCapacityUnits provisioned for the table: {1}. Requested "
                   "WriteCapacityUnits: {1}. Refer to the Amazon DynamoDB Developer Guide for current limits and "
                   "how to request higher limits.")                                        # (dynalite)
INDEX_WILL_NOT_CHANGE = "The provisioned throughput for the index {} will not change."    # (AWS probes)
DECREASES = re.compile(
    r"^Subscriber limit exceeded: Provisioned throughput decreases are limited within a given UTC day\. After the "
    r"first 4 decreases, each subsequent decrease in the same UTC day can be performed at most once every 3600 "
    r"seconds\. Number of decreases today: (\d+)\. Last decrease at ([A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4} at "
    r"\d{1,2}:\d\d:\d\d [AP]M) Coordinated Universal Time\. Next decrease can be made at ([A-Z][a-z]+day, "
    r"[A-Z][a-z]+ \d{1,2}, \d{4} at \d{1,2}:\d\d:\d\d [AP]M) Coordinated Universal Time$")  # (AWS probes)
SWITCHES = re.compile(
    r"^Subscriber limit exceeded: Update to PayPerRequest mode are limited to 4 times in 1 day\(s\)\. "
    r"Last update at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}\. "
    r"Next update can be made at \w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}$")  # (inferred from the 2019 text)
ON_DEMAND_PROVISIONED = ("One or more parameter values were invalid: MaxReadRequestUnits for OnDemandThroughput "
                         "cannot be specified when the table BillingMode is PROVISIONED")  # (AWS probes)
ON_DEMAND_RANGE = ("One or more parameter values were invalid: Requested MaxWriteRequestUnits for "
                   "OnDemandThroughput for table is outside of valid range")               # (AWS probes)

TABLE = "WireCapacity"


def pt(read, write):
    return {"ReadCapacityUnits": read, "WriteCapacityUnits": write}


def gsi_update(name, read, write):
    return [{"Update": {"IndexName": name, "ProvisionedThroughput": pt(read, write)}}]


class CapacityControl(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.first_event = int(sql("SELECT coalesce(max(id), 0) + 1 FROM dynamo.audit_log"))
        try:
            cls.ddb.delete_table(TableName=TABLE)
        except ClientError:
            pass
        cls.ddb.create_table(
            TableName=TABLE, BillingMode="PROVISIONED", ProvisionedThroughput=pt(50, 50),
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"},
                                  {"AttributeName": "g", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{"IndexName": "ByG", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                     "Projection": {"ProjectionType": "KEYS_ONLY"},
                                     "ProvisionedThroughput": pt(50, 50)}])

    @classmethod
    def tearDownClass(cls):
        cls.ddb.delete_table(TableName=TABLE)

    def error(self, **update):
        with self.assertRaises(ClientError) as caught:
            self.ddb.update_table(TableName=TABLE, **update)
        return caught.exception.response["Error"]

    def describe(self):
        return self.ddb.describe_table(TableName=TABLE)["Table"]

    def test_1_throughput_rules(self):
        fresh = self.describe()["ProvisionedThroughput"]
        self.assertEqual(fresh["NumberOfDecreasesToday"], 0)
        self.assertNotIn("LastIncreaseDateTime", fresh)
        self.assertNotIn("LastDecreaseDateTime", fresh)

        error = self.error(ProvisionedThroughput=pt(50, 50))
        self.assertEqual((error["Code"], error["Message"]), ("ValidationException", WILL_NOT_CHANGE.format(50, 50)))
        error = self.error(GlobalSecondaryIndexUpdates=gsi_update("ByG", 50, 50))
        self.assertTrue(error["Message"].startswith(INDEX_WILL_NOT_CHANGE.format("ByG")), error["Message"])

        before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)
        self.ddb.update_table(TableName=TABLE, ProvisionedThroughput=pt(60, 60))
        for i, (r, w) in enumerate([(40, 40), (30, 70), (20, 20), (10, 10)]):
            self.ddb.update_table(TableName=TABLE, ProvisionedThroughput=pt(r, w))
            self.assertEqual(self.describe()["ProvisionedThroughput"]["NumberOfDecreasesToday"], i + 1)
        throughput = self.describe()["ProvisionedThroughput"]
        # boto3 parses DynamoDB's epoch seconds into datetimes
        self.assertIsInstance(throughput["LastIncreaseDateTime"], datetime.datetime)
        self.assertGreater(throughput["LastDecreaseDateTime"], before)
        self.assertGreaterEqual(throughput["LastDecreaseDateTime"], throughput["LastIncreaseDateTime"])

        error = self.error(ProvisionedThroughput=pt(5, 5))
        self.assertEqual(error["Code"], "LimitExceededException")
        match = DECREASES.match(error["Message"])
        self.assertIsNotNone(match, error["Message"])
        self.assertEqual(match.group(1), "4")
        # the next time is an hour after the last decrease, or 00:00 UTC if that comes first
        last = datetime.datetime.strptime(match.group(2), "%A, %B %d, %Y at %I:%M:%S %p")
        following = datetime.datetime.strptime(match.group(3), "%A, %B %d, %Y at %I:%M:%S %p")
        midnight = datetime.datetime.combine(last.date() + datetime.timedelta(days=1), datetime.time())
        self.assertEqual(following, min(last + datetime.timedelta(hours=1), midnight))
        self.assertEqual(last, throughput["LastDecreaseDateTime"].astimezone(datetime.timezone.utc)
                         .replace(tzinfo=None, microsecond=0))

        # an increase is always allowed; the refused decrease changed nothing
        self.ddb.update_table(TableName=TABLE, ProvisionedThroughput=pt(11, 11))
        self.assertEqual(self.describe()["ProvisionedThroughput"]["NumberOfDecreasesToday"], 4)
        # the GSI's budget is its own; a request decreasing both fails as a whole
        self.ddb.update_table(TableName=TABLE, GlobalSecondaryIndexUpdates=gsi_update("ByG", 40, 40))
        error = self.error(ProvisionedThroughput=pt(5, 5), GlobalSecondaryIndexUpdates=gsi_update("ByG", 30, 30))
        self.assertEqual(error["Code"], "LimitExceededException")
        gsi = self.describe()["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
        self.assertEqual((gsi["ReadCapacityUnits"], gsi["NumberOfDecreasesToday"]), (40, 1))

        # an hour after the last decrease, one more (not in the first hour of a UTC day: see capacity_control.sql)
        if datetime.datetime.now(datetime.timezone.utc).time() >= datetime.time(1, 2):
            sql(f"UPDATE dynamo.tables SET last_decrease_time = now() - interval '61 minutes' "
                f"WHERE table_name = '{TABLE}'")
            self.ddb.update_table(TableName=TABLE, ProvisionedThroughput=pt(5, 5))
            self.assertEqual(self.describe()["ProvisionedThroughput"]["NumberOfDecreasesToday"], 5)
            self.assertEqual(self.error(ProvisionedThroughput=pt(4, 4))["Code"], "LimitExceededException")

    def test_2_switches_and_on_demand(self):
        back = dict(BillingMode="PROVISIONED", ProvisionedThroughput=pt(1, 1),
                    GlobalSecondaryIndexUpdates=gsi_update("ByG", 1, 1))
        for _ in range(4):
            self.ddb.update_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST")
            self.ddb.update_table(TableName=TABLE, **back)
        error = self.error(BillingMode="PAY_PER_REQUEST")
        self.assertEqual(error["Code"], "LimitExceededException")
        self.assertRegex(error["Message"], SWITCHES)

        sql(f"UPDATE dynamo.tables SET pay_per_request_switches[1] = now() - interval '25 hours' "
            f"WHERE table_name = '{TABLE}'")
        # OnDemandThroughput: raw requests, as Debian's botocore predates it
        status, body = request("UpdateTable", {"TableName": TABLE, "BillingMode": "PAY_PER_REQUEST",
                                               "OnDemandThroughput": {"MaxReadRequestUnits": 1000,
                                                                      "MaxWriteRequestUnits": 500}})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.on_demand(), {"MaxReadRequestUnits": 1000, "MaxWriteRequestUnits": 500})
        status, body = request("UpdateTable", {"TableName": TABLE, "OnDemandThroughput": {"MaxWriteRequestUnits": -1}})
        self.assertEqual(status, 200, body)
        self.assertEqual(self.on_demand(), {"MaxReadRequestUnits": 1000})
        status, body = request("UpdateTable", {"TableName": TABLE, "OnDemandThroughput": {"MaxWriteRequestUnits": 0}})
        self.assertEqual((status, body["__type"].split("#")[1], body["message"]),
                         (400, "ValidationException", ON_DEMAND_RANGE))
        self.ddb.update_table(TableName=TABLE, **back)
        self.assertIsNone(self.on_demand())
        status, body = request("UpdateTable", {"TableName": TABLE, "OnDemandThroughput": {"MaxReadRequestUnits": 10}})
        self.assertEqual((status, body["message"]), (400, ON_DEMAND_PROVISIONED))

    def on_demand(self):
        status, body = request("DescribeTable", {"TableName": TABLE})
        return body["Table"].get("OnDemandThroughput")

    def test_3_audit_log(self):
        rows = sql(f"SELECT action || '|' || source || '|' || effective_role || '|' || (response IS NOT NULL) "
                   f"FROM dynamo.audit_log WHERE table_name = '{TABLE}' AND id >= {self.first_event} ORDER BY id").splitlines()
        # the role the test's access key maps to (run.sh: postgres)
        role = sql("SELECT role_name FROM dynamo.access_keys WHERE access_key_id = 'AKIDWIRETEST00000001'")
        self.assertEqual(rows[0].split("|")[:2], ["CreateTable", "endpoint"])
        self.assertTrue(all(row.split("|")[1] == "endpoint" for row in rows), rows)
        self.assertTrue(all(row.endswith("|true") for row in rows), rows)
        if role:   # with dynamo.http_auth off the requests run as the worker's role
            self.assertTrue(all(row.split("|")[2] == role for row in rows), rows)
        # every accepted change, and only those: in test_1 one increase, four decreases, one
        # increase, one GSI decrease (and the decrease an hour later); in test_2 four switches
        # and four returns, a switch with OnDemandThroughput, a clearing, a return
        updates = [row for row in rows if row.startswith("UpdateTable")]
        self.assertIn(len(updates), (18, 19))
        request = sql(f"SELECT request FROM dynamo.audit_log WHERE table_name = '{TABLE}' AND id >= {self.first_event} "
                      f"ORDER BY id LIMIT 1")
        self.assertIn('"TableName": "WireCapacity"', request)


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2, warnings="ignore")
