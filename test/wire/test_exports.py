"""test_exports.py: ExportTableToPointInTime, DescribeExport and ListExports
through the wire endpoint, with boto3.

As an application uses them: point-in-time recovery turned on and waited
for, an export started and polled until COMPLETED, its manifest read from the
bucket's directory, ListExports paged by its NextToken, a ClientToken
replayed and reused, and DynamoDB's exceptions as boto3 models them
(ExportNotFoundException, ExportConflictException,
PointInTimeRecoveryUnavailableException, InvalidExportTimeException,
TableNotFoundException).

The bucket "wire-exports" is mapped to a fresh directory with ALTER SYSTEM
(dynamo.s3_bucket_directories is for superusers; psql reaches the cluster
as test/wire/run.sh's does).

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py.
Run with Debian's python3 (python3-boto3).
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client   # noqa: E402
import distributed   # noqa: E402

TABLE = "WireExports"
# ExportTableToPointInTime needs point-in-time recovery, which a distributed table does not have yet
NO_PITR = "point-in-time recovery is refused for a distributed table (ValidationException)"
BUCKET = "wire-exports"


def psql(sql):
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", sql], check=True)


class Exports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.directory = tempfile.mkdtemp(prefix="dynamo-wire-exports.")
        os.chmod(cls.directory, 0o777)
        psql("ALTER SYSTEM SET dynamo.s3_bucket_directories = '%s=%s'" % (BUCKET, cls.directory))
        psql("SELECT pg_reload_conf()")
        try:
            cls.ddb.delete_table(TableName=TABLE)
        except ClientError:
            pass
        cls.ddb.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                             KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
        cls.arn = cls.ddb.describe_table(TableName=TABLE)["Table"]["TableArn"]
        for i in range(20):
            cls.ddb.put_item(TableName=TABLE, Item={"id": {"S": "k%d" % i}, "n": {"N": str(i)}})

    @classmethod
    def tearDownClass(cls):
        psql("ALTER SYSTEM RESET dynamo.s3_bucket_directories")
        psql("SELECT pg_reload_conf()")
        cls.ddb.delete_table(TableName=TABLE)

    def enable_pitr(self):
        self.ddb.update_continuous_backups(TableName=TABLE,
                                          PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        for _ in range(300):
            d = self.ddb.describe_continuous_backups(TableName=TABLE)["ContinuousBackupsDescription"]
            if d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED":
                return
            time.sleep(0.1)
        self.fail("point-in-time recovery did not become ENABLED")

    def wait(self, arn):
        for _ in range(300):
            d = self.ddb.describe_export(ExportArn=arn)["ExportDescription"]
            if d["ExportStatus"] != "IN_PROGRESS":
                return d
            time.sleep(0.1)
        self.fail("export %s did not end" % arn)

    def test_1_without_pitr(self):
        with self.assertRaises(self.ddb.exceptions.PointInTimeRecoveryUnavailableException) as e:
            self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET)
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Point in time recovery is not enabled for table '%s'" % TABLE)
        with self.assertRaises(self.ddb.exceptions.TableNotFoundException):
            self.ddb.export_table_to_point_in_time(TableArn=self.arn + "Missing", S3Bucket=BUCKET)

    @distributed.limitation(NO_PITR)
    def test_2_export(self):
        self.enable_pitr()
        time.sleep(1.1)
        start = self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET, S3Prefix="app",
                                                       ClientToken="wire-token")["ExportDescription"]
        self.assertEqual(start["ExportStatus"], "IN_PROGRESS")
        self.assertEqual(start["ExportFormat"], "DYNAMODB_JSON")
        self.assertEqual(start["S3SseAlgorithm"], "AES256")
        self.assertNotIn("ExportType", start)
        self.assertTrue(start["ExportArn"].startswith(self.arn + "/export/"))
        done = self.wait(start["ExportArn"])
        self.assertEqual(done["ExportStatus"], "COMPLETED")
        self.assertEqual(done["ItemCount"], 20)
        self.assertGreater(done["EndTime"], done["StartTime"].replace(microsecond=0))
        with open(os.path.join(self.directory, done["ExportManifest"])) as f:
            summary = json.load(f)
        self.assertEqual(summary["exportArn"], start["ExportArn"])
        self.assertEqual(summary["itemCount"], 20)
        with open(os.path.join(self.directory, summary["manifestFilesS3Key"])) as f:
            files = [json.loads(line) for line in f]
        self.assertEqual(sum(f["itemCount"] for f in files), 20)
        for f in files:
            self.assertTrue(os.path.exists(os.path.join(self.directory, f["dataFileS3Key"])))

        # the same token and request: the same export; other parameters: a conflict
        again = self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET, S3Prefix="app",
                                                       ClientToken="wire-token")["ExportDescription"]
        self.assertEqual(again["ExportArn"], start["ExportArn"])
        self.assertEqual(again["ExportStatus"], "COMPLETED")
        with self.assertRaises(self.ddb.exceptions.ExportConflictException) as e:
            self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET, S3Prefix="other",
                                                   ClientToken="wire-token")
        self.assertEqual(e.exception.response["Error"]["Message"],
                         "Export conflict: Duplicate request detected with conflicting parameters")

    @distributed.limitation(NO_PITR)
    def test_3_errors(self):
        with self.assertRaises(self.ddb.exceptions.InvalidExportTimeException) as e:
            self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET, ExportTime=4102444800)
        self.assertEqual(e.exception.response["Error"]["Message"], "Export Time is invalid")
        with self.assertRaises(self.ddb.exceptions.ExportNotFoundException):
            self.ddb.describe_export(ExportArn=self.arn + "/export/01700000000000-0123abcd")
        with self.assertRaises(ClientError) as e:
            self.ddb.describe_export(ExportArn=self.arn + "/backup/01700000000000-0123abcd")
        self.assertEqual(e.exception.response["Error"]["Code"], "ValidationException")
        self.assertEqual(e.exception.response["Error"]["Message"], "Invalid Export ARN")

    @distributed.limitation(NO_PITR)
    def test_4_unmapped_bucket_fails(self):
        self.enable_pitr()
        arn = self.ddb.export_table_to_point_in_time(TableArn=self.arn,
                                                     S3Bucket="no-such-bucket")["ExportDescription"]["ExportArn"]
        done = self.wait(arn)
        self.assertEqual(done["ExportStatus"], "FAILED")
        self.assertEqual(done["FailureCode"], "S3NoSuchBucket")

    @distributed.limitation(NO_PITR)
    def test_5_list(self):
        self.enable_pitr()
        for i in range(3):
            self.ddb.export_table_to_point_in_time(TableArn=self.arn, S3Bucket=BUCKET, ExportFormat="ION")
        pages = []
        request = {"TableArn": self.arn, "MaxResults": 2}
        while True:     # botocore has no paginator for ListExports
            pages.append(self.ddb.list_exports(**request))
            if "NextToken" not in pages[-1]:
                break
            request["NextToken"] = pages[-1]["NextToken"]
        arns = [s["ExportArn"] for p in pages for s in p["ExportSummaries"]]
        self.assertGreaterEqual(len(pages), 3)
        self.assertEqual(arns, sorted(arns, reverse=True))
        self.assertGreaterEqual(len(arns), 5)
        for p in pages:
            for s in p["ExportSummaries"]:
                # (ExportType too, which Debian's botocore predates and drops)
                self.assertLessEqual({"ExportArn", "ExportStatus"}, set(s))


if __name__ == "__main__":
    unittest.main(verbosity=2)
