"""test_backups.py: on-demand backups and point-in-time recovery through the
wire endpoint, with boto3 and the AWS CLI.

CreateBackup, DescribeBackup, ListBackups (table filter, time range, pages),
DeleteBackup, RestoreTableFromBackup (with billing, throughput and index
overrides), UpdateContinuousBackups, DescribeContinuousBackups and
RestoreTableToPointInTime (RestoreDateTime and UseLatestRestorableTime, by
name and by ARN) as an application meets them: the shapes boto3 parses
(datetimes, ARNs, statuses), the table_exists waiter on restored tables,
the restored items, and DynamoDB's exceptions (BackupNotFoundException,
TableNotFoundException, TableAlreadyExistsException,
PointInTimeRecoveryUnavailableException, InvalidRestoreTimeException,
ValidationException).

boto3 sends RestoreDateTime in whole seconds: the point restored to is a
whole second with writes only more than a second before and after it.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py.
Run with Debian's python3 (python3-boto3); the job worker and the streams
capture must run (dynamo preloaded, wal_level=logical).
"""
import datetime
import json
import os
import re
import subprocess
import sys
import time
import unittest

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client, request, ENDPOINT, KEY_ID, SECRET   # noqa: E402
import distributed   # noqa: E402

TABLE = "WireBackups"
BACKUP_ARN = re.compile(r"^arn:aws:dynamodb:[a-z0-9-]+:\d{12}:table/WireBackups/backup/\d{14}-[0-9a-f]{8}$")


def definition(name):
    return dict(TableName=name, BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                      {"AttributeName": "sk", "AttributeType": "N"},
                                      {"AttributeName": "g", "AttributeType": "S"},
                                      {"AttributeName": "ls", "AttributeType": "S"}],
                LocalSecondaryIndexes=[{"IndexName": "by_ls",
                                        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                      {"AttributeName": "ls", "KeyType": "RANGE"}],
                                        "Projection": {"ProjectionType": "KEYS_ONLY"}}],
                GlobalSecondaryIndexes=[{"IndexName": "by_g",
                                         "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                         "Projection": {"ProjectionType": "ALL"}}])


def item(pk, sk, **more):
    out = {"pk": {"S": pk}, "sk": {"N": str(sk)}, "ls": {"S": "l%d" % sk}, "g": {"S": "g%d" % (sk % 3)}}
    out.update({k: {"S": v} for k, v in more.items()})
    return out


def key_of(i):
    return (i["pk"]["S"], int(i["sk"]["N"]))


class Backups(unittest.TestCase):
    """on-demand backups, and point-in-time recovery"""

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        names = cls.ddb.list_tables()["TableNames"]
        for name in names:
            if name.startswith(TABLE):
                cls.ddb.delete_table(TableName=name)
        for b in cls.ddb.list_backups(TableName=TABLE)["BackupSummaries"]:
            cls.ddb.delete_backup(BackupArn=b["BackupArn"])
        cls.table_arn = cls.ddb.create_table(**definition(TABLE))["TableDescription"]["TableArn"]
        cls.ddb.get_waiter("table_exists").wait(TableName=TABLE, WaiterConfig={"Delay": 1})
        for n in range(20):
            cls.ddb.put_item(TableName=TABLE, Item=item("p%d" % (n % 4), n, v="first"))

    @classmethod
    def tearDownClass(cls):
        for name in cls.ddb.list_tables()["TableNames"]:
            if name.startswith(TABLE):
                cls.ddb.delete_table(TableName=name)

    def error(self, call, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(**kwargs)
        return raised.exception.response["Error"]["Code"], raised.exception.response["Error"]["Message"]

    def items(self, table):
        out, kwargs = [], {"TableName": table, "ConsistentRead": True}
        while True:
            page = self.ddb.scan(**kwargs)
            out += page["Items"]
            if "LastEvaluatedKey" not in page:
                return sorted(out, key=key_of)
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def wait_backup(self, arn):
        for _ in range(300):
            d = self.ddb.describe_backup(BackupArn=arn)["BackupDescription"]
            if d["BackupDetails"]["BackupStatus"] == "AVAILABLE":
                return d
            time.sleep(0.1)
        self.fail("backup %s is not AVAILABLE" % arn)

    def wait_pitr(self, table, status):
        for _ in range(300):
            d = self.ddb.describe_continuous_backups(TableName=table)["ContinuousBackupsDescription"]
            if d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == status:
                return d
            time.sleep(0.1)
        self.fail("point-in-time recovery of %s is not %s" % (table, status))

    def restored(self, name):
        self.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return self.ddb.describe_table(TableName=name)["Table"]

    # ---- on-demand backups

    def test_1_backup_lifecycle(self):
        before = self.items(TABLE)
        details = self.ddb.create_backup(TableName=TABLE, BackupName="nightly")["BackupDetails"]
        arn = details["BackupArn"]
        self.assertRegex(arn, BACKUP_ARN)
        self.assertTrue(arn.startswith(self.table_arn + "/backup/"))
        self.assertEqual(details["BackupName"], "nightly")
        self.assertIn(details["BackupStatus"], ("CREATING", "AVAILABLE"))
        self.assertEqual(details["BackupType"], "USER")
        self.assertIsInstance(details["BackupCreationDateTime"], datetime.datetime)

        description = self.wait_backup(arn)
        source = description["SourceTableDetails"]
        self.assertEqual(source["TableName"], TABLE)
        self.assertEqual(source["TableArn"], self.table_arn)
        self.assertEqual(source["KeySchema"], definition(TABLE)["KeySchema"])
        self.assertEqual(source["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual(source["ItemCount"], 20)
        self.assertIsInstance(source["TableCreationDateTime"], datetime.datetime)
        features = description["SourceTableFeatureDetails"]
        self.assertEqual([i["IndexName"] for i in features["LocalSecondaryIndexes"]], ["by_ls"])
        self.assertEqual([i["IndexName"] for i in features["GlobalSecondaryIndexes"]], ["by_g"])
        self.assertGreater(description["BackupDetails"]["BackupSizeBytes"], 0)

        summaries = self.ddb.list_backups(TableName=TABLE)["BackupSummaries"]
        self.assertIn(arn, [s["BackupArn"] for s in summaries])
        summary = [s for s in summaries if s["BackupArn"] == arn][0]
        self.assertEqual((summary["TableName"], summary["TableArn"], summary["BackupStatus"]),
                         (TABLE, self.table_arn, "AVAILABLE"))

        # a plain restore: the items, both indexes, a RestoreSummary
        response = self.ddb.restore_table_from_backup(TargetTableName=TABLE + "Copy", BackupArn=arn)
        self.assertEqual(response["TableDescription"]["TableStatus"], "CREATING")
        table = self.restored(TABLE + "Copy")
        self.assertEqual(table["TableStatus"], "ACTIVE")
        self.assertEqual(table["RestoreSummary"]["SourceBackupArn"], arn)
        self.assertEqual(table["RestoreSummary"]["SourceTableArn"], self.table_arn)
        self.assertFalse(table["RestoreSummary"]["RestoreInProgress"])
        self.assertIsInstance(table["RestoreSummary"]["RestoreDateTime"], datetime.datetime)
        self.assertEqual(table["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST")
        self.assertEqual([i["IndexName"] for i in table["GlobalSecondaryIndexes"]], ["by_g"])
        self.assertEqual([i["IndexName"] for i in table["LocalSecondaryIndexes"]], ["by_ls"])
        self.assertEqual(self.items(TABLE + "Copy"), before)
        got = self.ddb.query(TableName=TABLE + "Copy", IndexName="by_g", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "g1"}})["Items"]
        self.assertEqual(sorted(got, key=key_of), [i for i in before if i["g"]["S"] == "g1"])
        got = self.ddb.query(TableName=TABLE + "Copy", IndexName="by_ls", KeyConditionExpression="pk = :p",
                             ExpressionAttributeValues={":p": {"S": "p1"}})["Items"]
        self.assertEqual([i["ls"]["S"] for i in got], sorted(i["ls"]["S"] for i in before if i["pk"]["S"] == "p1"))

        # overrides: provisioned billing, no GSI, the LSI kept
        self.ddb.restore_table_from_backup(
            TargetTableName=TABLE + "Over", BackupArn=arn, BillingModeOverride="PROVISIONED",
            ProvisionedThroughputOverride={"ReadCapacityUnits": 7, "WriteCapacityUnits": 3},
            GlobalSecondaryIndexOverride=[],
            LocalSecondaryIndexOverride=definition(TABLE)["LocalSecondaryIndexes"])
        table = self.restored(TABLE + "Over")
        self.assertEqual(table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED"), "PROVISIONED")
        self.assertEqual((table["ProvisionedThroughput"]["ReadCapacityUnits"],
                          table["ProvisionedThroughput"]["WriteCapacityUnits"]), (7, 3))
        self.assertNotIn("GlobalSecondaryIndexes", table)
        self.assertEqual([i["IndexName"] for i in table["LocalSecondaryIndexes"]], ["by_ls"])
        self.assertEqual(self.items(TABLE + "Over"), before)
        code, _ = self.error(self.ddb.query, TableName=TABLE + "Over", IndexName="by_g",
                             KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": {"S": "g1"}})
        self.assertEqual(code, "ValidationException")

        # errors of a restore
        self.assertEqual(self.error(self.ddb.restore_table_from_backup, TargetTableName=TABLE, BackupArn=arn),
                         ("TableAlreadyExistsException", "Table already exists: " + TABLE))
        missing = arn[:-8] + "00000000"
        self.assertEqual(self.error(self.ddb.restore_table_from_backup, TargetTableName=TABLE + "None",
                                    BackupArn=missing),
                         ("BackupNotFoundException", "Backup not found: " + missing))

        # DeleteBackup: the description, DELETED; then it is gone
        deleted = self.ddb.delete_backup(BackupArn=arn)["BackupDescription"]
        self.assertEqual(deleted["BackupDetails"]["BackupStatus"], "DELETED")
        self.assertEqual(deleted["BackupDetails"]["BackupArn"], arn)
        self.assertEqual(self.error(self.ddb.describe_backup, BackupArn=arn),
                         ("BackupNotFoundException", "Backup not found: " + arn))
        self.assertEqual(self.error(self.ddb.delete_backup, BackupArn=arn),
                         ("BackupNotFoundException", "Backup not found: " + arn))
        self.assertNotIn(arn, [s["BackupArn"] for s in self.ddb.list_backups(TableName=TABLE)["BackupSummaries"]])
        # the restored tables do not depend on the backup
        self.assertEqual(len(self.items(TABLE + "Copy")), 20)

    def test_2_list_backups(self):
        arns = [self.ddb.create_backup(TableName=TABLE, BackupName="bk%d" % n)["BackupDetails"]["BackupArn"]
                for n in range(3)]
        for arn in arns:
            self.wait_backup(arn)
        # pages of one, in order of creation
        seen, kwargs = [], {"TableName": TABLE, "Limit": 1}
        while True:
            page = self.ddb.list_backups(**kwargs)
            self.assertLessEqual(len(page["BackupSummaries"]), 1)
            seen += [s["BackupArn"] for s in page["BackupSummaries"]]
            if "LastEvaluatedBackupArn" not in page:
                break
            kwargs["ExclusiveStartBackupArn"] = page["LastEvaluatedBackupArn"]
        self.assertEqual(seen, arns)
        # the time range
        created = self.ddb.describe_backup(BackupArn=arns[0])["BackupDescription"]["BackupDetails"]["BackupCreationDateTime"]
        later = created + datetime.timedelta(days=1)
        self.assertEqual(self.ddb.list_backups(TableName=TABLE, TimeRangeLowerBound=later)["BackupSummaries"], [])
        self.assertEqual(len(self.ddb.list_backups(TableName=TABLE, TimeRangeUpperBound=later)["BackupSummaries"]), 3)
        self.assertEqual(self.ddb.list_backups(TableName=TABLE + "Nope")["BackupSummaries"], [])
        self.assertEqual(len(self.ddb.list_backups(TableName=TABLE, BackupType="ALL")["BackupSummaries"]), 3)
        self.assertEqual(self.ddb.list_backups(TableName=TABLE, BackupType="SYSTEM")["BackupSummaries"], [])
        # the AWS CLI sees them too
        self.assertEqual(json.loads(aws("list-backups", "--table-name", TABLE))["BackupSummaries"][0]["BackupArn"],
                         arns[0])
        for arn in arns:
            self.ddb.delete_backup(BackupArn=arn)

    def test_3_backup_errors(self):
        self.assertEqual(self.error(self.ddb.create_backup, TableName=TABLE + "Nope", BackupName="xyz"),
                         ("TableNotFoundException", "Table not found: " + TABLE + "Nope"))
        code, _ = self.error(self.ddb.create_backup, TableName=TABLE, BackupName="no spaces allowed")
        self.assertEqual(code, "ValidationException")

    # ---- point-in-time recovery

    @distributed.limitation("point-in-time recovery is refused for a distributed table (ValidationException)")
    def test_4_point_in_time(self):
        name = TABLE + "Pitr"
        self.ddb.create_table(**definition(name))
        self.ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1})
        d = self.ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        self.assertEqual(d["ContinuousBackupsStatus"], "ENABLED")
        self.assertEqual(d["PointInTimeRecoveryDescription"], {"PointInTimeRecoveryStatus": "DISABLED"})
        self.assertEqual(self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name,
                                    TargetTableName=name + "At", UseLatestRestorableTime=True),
                         ("PointInTimeRecoveryUnavailableException",
                          "Point in time recovery is not enabled for table '%s'" % name))

        d = self.ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )["ContinuousBackupsDescription"]
        self.assertIn(d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], ("ENABLING", "ENABLED"))
        d = self.wait_pitr(name, "ENABLED")["PointInTimeRecoveryDescription"]
        self.assertIsInstance(d["EarliestRestorableDateTime"], datetime.datetime)
        self.assertLessEqual(d["EarliestRestorableDateTime"], d["LatestRestorableDateTime"])
        # RecoveryPeriodInDays is newer than Debian's botocore: raw requests
        status, body = request("DescribeContinuousBackups", {"TableName": name})
        self.assertEqual((status, body["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                          ["RecoveryPeriodInDays"]), (200, 35))
        status, body = request("UpdateContinuousBackups", {"TableName": name, "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": 7}})
        d = body["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        self.assertEqual((status, d["PointInTimeRecoveryStatus"], d["RecoveryPeriodInDays"]), (200, "ENABLED", 7))
        for days in (0, 36):
            status, body = request("UpdateContinuousBackups", {"TableName": name, "PointInTimeRecoverySpecification": {
                "PointInTimeRecoveryEnabled": True, "RecoveryPeriodInDays": days}})
            self.assertEqual((status, body["__type"].split("#")[-1]), (400, "ValidationException"))

        # a history: v1 of 10 items, the point (a whole second), then v2 and deletions
        for n in range(10):
            self.ddb.put_item(TableName=name, Item=item("a", n, v="v1"))
        time.sleep(1.2)
        point = datetime.datetime.fromtimestamp(int(time.time()), datetime.timezone.utc)
        at_point = self.items(name)
        time.sleep(1.2)
        for n in range(5):
            self.ddb.put_item(TableName=name, Item=item("a", n, v="v2"))
        for n in range(5, 8):
            self.ddb.delete_item(TableName=name, Key={"pk": {"S": "a"}, "sk": {"N": str(n)}})
        self.ddb.put_item(TableName=name, Item=item("b", 1, v="new"))
        now_items = self.items(name)

        response = self.ddb.restore_table_to_point_in_time(SourceTableName=name, TargetTableName=name + "At",
                                                           RestoreDateTime=point)
        self.assertEqual(response["TableDescription"]["TableStatus"], "CREATING")
        table = self.restored(name + "At")
        self.assertEqual(table["RestoreSummary"]["SourceTableArn"], self.table_arn + "Pitr")
        self.assertEqual(table["RestoreSummary"]["RestoreDateTime"], point)
        self.assertFalse(table["RestoreSummary"]["RestoreInProgress"])
        self.assertEqual(self.items(name + "At"), at_point)
        self.assertEqual([i["IndexName"] for i in table["GlobalSecondaryIndexes"]], ["by_g"])
        got = self.ddb.query(TableName=name + "At", IndexName="by_g", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": {"S": "g0"}})["Items"]
        self.assertEqual(sorted(got, key=key_of), [i for i in at_point if i["g"]["S"] == "g0"])
        # the restored table has no point-in-time recovery of its own
        self.assertEqual(self.ddb.describe_continuous_backups(TableName=name + "At")["ContinuousBackupsDescription"]
                         ["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"], "DISABLED")

        # the latest restorable time, the source named by its ARN, with the CLI
        out = json.loads(aws("restore-table-to-point-in-time", "--source-table-arn", self.table_arn + "Pitr",
                             "--target-table-name", name + "Now", "--use-latest-restorable-time"))
        self.assertEqual(out["TableDescription"]["TableName"], name + "Now")
        self.restored(name + "Now")
        self.assertEqual(self.items(name + "Now"), now_items)
        d = json.loads(aws("describe-continuous-backups", "--table-name", name))
        self.assertEqual(d["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
                         ["PointInTimeRecoveryStatus"], "ENABLED")

        # errors
        window = self.ddb.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"][
            "PointInTimeRecoveryDescription"]
        for when in (window["EarliestRestorableDateTime"] - datetime.timedelta(seconds=30),
                     datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)):
            self.assertEqual(self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name,
                                        TargetTableName=name + "Bad", RestoreDateTime=when),
                             ("InvalidRestoreTimeException",
                              "RestoreDateTime must be between EarliestRestorableDateTime and LatestRestorableDateTime"))
        self.assertEqual(self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name,
                                    TargetTableName=name + "At", UseLatestRestorableTime=True),
                         ("TableAlreadyExistsException", "Table already exists: %sAt" % name))
        self.assertEqual(self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name + "Nope",
                                    TargetTableName=name + "Bad", UseLatestRestorableTime=True),
                         ("TableNotFoundException", "Table not found: %sNope" % name))
        code, _ = self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name,
                             TargetTableName=name + "Bad", UseLatestRestorableTime=True, RestoreDateTime=point)
        self.assertEqual(code, "ValidationException")
        code, _ = self.error(self.ddb.restore_table_to_point_in_time, TargetTableName=name + "Bad",
                             UseLatestRestorableTime=True)
        self.assertEqual(code, "ValidationException")
        self.assertEqual(self.error(self.ddb.describe_continuous_backups, TableName=name + "Nope"),
                         ("TableNotFoundException", "Table not found: %sNope" % name))
        self.assertEqual(self.error(self.ddb.update_continuous_backups, TableName=name + "Nope",
                                    PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}),
                         ("TableNotFoundException", "Table not found: %sNope" % name))
        self.assertNotIn(name + "Bad", self.ddb.list_tables()["TableNames"])

        # disabled: no window, restores refused
        d = self.ddb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
        )["ContinuousBackupsDescription"]
        self.assertEqual(d["PointInTimeRecoveryDescription"], {"PointInTimeRecoveryStatus": "DISABLED"})
        code, _ = self.error(self.ddb.restore_table_to_point_in_time, SourceTableName=name,
                             TargetTableName=name + "Bad", RestoreDateTime=point)
        self.assertEqual(code, "PointInTimeRecoveryUnavailableException")


def aws(*args):
    """an AWS CLI dynamodb command's output"""
    env = dict(os.environ, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET,
               AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    return subprocess.run(["/usr/bin/aws", "--endpoint-url", ENDPOINT, "dynamodb", *args, "--output", "json"],
                          env=env, check=True, capture_output=True, text=True).stdout


if __name__ == "__main__":
    unittest.main(verbosity=2)
