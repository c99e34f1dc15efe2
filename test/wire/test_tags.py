"""test_tags.py: tags through the wire endpoint, with boto3.

TagResource, UntagResource, ListTagsOfResource and CreateTable's Tags as an
application meets them: the table's ARN from DescribeTable, upserts, the
50-tag limit on the merged set, DynamoDB's messages for bad tags and ARNs,
ResourceNotFoundException for a missing table, a bad tag at CreateTable
creating nothing, and LimitExceededException at once while a SQL
transaction changes the table's tags.

Messages are DynamoDB's own, recorded from real DynamoDB in published probe
notes (ack-api-quirks DDB-TABLE-105..110, -372, -374).

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py.
Run with Debian's python3 (python3-boto3).
"""
import subprocess
import sys
import time
import unittest

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True
from test_wire import client, sql   # noqa: E402
import distributed   # noqa: E402

TABLE = "WireTags"
TOO_MANY = "Number of Tags exceed the current limit for the provided ResourceArn"


def key_schema():
    return dict(BillingMode="PAY_PER_REQUEST",
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


class Tags(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        for name in (TABLE, TABLE + "Bad"):
            try:
                cls.ddb.delete_table(TableName=name)
            except ClientError:
                pass
        cls.arn = cls.ddb.create_table(TableName=TABLE, Tags=[{"Key": "team", "Value": "data"}],
                                       **key_schema())["TableDescription"]["TableArn"]

    @classmethod
    def tearDownClass(cls):
        cls.ddb.delete_table(TableName=TABLE)

    def error(self, call, **kwargs):
        with self.assertRaises(ClientError) as raised:
            call(**kwargs)
        return raised.exception.response["Error"]["Code"], raised.exception.response["Error"]["Message"]

    def tags(self):
        return {t["Key"]: t["Value"] for t in self.ddb.list_tags_of_resource(ResourceArn=self.arn)["Tags"]}

    def test_create_table_tags_and_upsert(self):
        self.assertEqual(self.tags()["team"], "data")
        self.ddb.tag_resource(ResourceArn=self.arn, Tags=[{"Key": "team", "Value": "ops"},
                                                          {"Key": "Env", "Value": ""}])
        tags = self.tags()
        self.assertEqual(tags["team"], "ops")
        self.assertEqual(tags["Env"], "")
        self.ddb.untag_resource(ResourceArn=self.arn, TagKeys=["Env", "never-set"])
        self.assertNotIn("Env", self.tags())

    def test_limit_on_the_merged_set(self):
        self.ddb.tag_resource(ResourceArn=self.arn,
                              Tags=[{"Key": "k%02d" % i, "Value": "v"} for i in range(1, 50)])
        self.assertEqual(len(self.tags()), 50)
        self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn,
                                    Tags=[{"Key": "k51", "Value": "v"}]),
                         ("ValidationException", TOO_MANY))
        self.ddb.tag_resource(ResourceArn=self.arn, Tags=[{"Key": "k01", "Value": "new"}])
        self.assertEqual(self.tags()["k01"], "new")
        self.assertNotIn("NextToken", self.ddb.list_tags_of_resource(ResourceArn=self.arn))
        self.ddb.untag_resource(ResourceArn=self.arn, TagKeys=["k%02d" % i for i in range(1, 50)])
        self.assertEqual(len(self.tags()), 1)

    @distributed.bug("the workers' copies of a distributed table's catalog rows (its tags among them) are written "
                     "outside the coordinator's transaction: a worker's endpoint answers the tags of a TagResource "
                     "not committed yet (and keeps them if it rolls back)", where="worker")
    def test_one_tag_change_at_a_time(self):
        """While a SQL transaction changes the tags, tag changes are refused at once; reads answer."""
        before = self.tags()
        holder = subprocess.Popen(
            ["psql", "-X", "-q", "-d", "postgres", "-c",
             "BEGIN; SELECT dynamo.execute('TagResource', jsonb_build_object('ResourceArn', '%s', "
             "'Tags', '[{\"Key\": \"held\", \"Value\": \"1\"}]'::jsonb)); SELECT pg_sleep(3); COMMIT;" % self.arn],
            stdout=subprocess.DEVNULL)
        try:
            for _ in range(50):   # until the SQL transaction holds the change
                if sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%' "
                       "AND wait_event = 'PgSleep'") == "1":
                    break
                time.sleep(0.1)
            started = time.time()
            busy = ("LimitExceededException", "Subscriber limit exceeded: Table tags are being updated: " + TABLE)
            self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn,
                                        Tags=[{"Key": "team", "Value": "other"}]), busy)
            self.assertEqual(self.error(self.ddb.untag_resource, ResourceArn=self.arn, TagKeys=["team"]), busy)
            self.assertLess(time.time() - started, 2)
            self.assertEqual(self.tags(), before)
        finally:
            holder.wait()
        self.assertEqual(self.tags(), dict(before, held="1"))
        self.ddb.untag_resource(ResourceArn=self.arn, TagKeys=["held"])
        self.assertEqual(self.tags(), before)

    def test_bad_tags(self):
        self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn,
                                    Tags=[{"Key": "good", "Value": "1"}, {"Key": "aws:zzz", "Value": "1"}]),
                         ("ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:zzz"))
        self.assertNotIn("good", self.tags())
        self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn,
                                    Tags=[{"Key": "a,b", "Value": "1"}]),
                         ("ValidationException", "The Tag Key provided is invalid, Key: a,b"))
        self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn,
                                    Tags=[{"Key": "d", "Value": "1"}, {"Key": "d", "Value": "2"}]),
                         ("ValidationException",
                          "Duplicate Tag Keys provided as input: Duplicate Tag Key found d"))
        self.assertEqual(self.error(self.ddb.untag_resource, ResourceArn=self.arn, TagKeys=["aws:foo"]),
                         ("ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:foo"))

    def test_arns(self):
        missing = self.arn.replace(TABLE, "WireTagsNope")
        self.assertEqual(self.error(self.ddb.list_tags_of_resource, ResourceArn=missing),
                         ("ResourceNotFoundException",
                          "Requested resource not found: ResourceArn: %s not found" % missing))
        other = self.arn.replace(":us-east-1:", ":eu-west-1:") if ":us-east-1:" in self.arn \
            else self.arn.replace(":table/", "0:table/")
        self.assertEqual(self.error(self.ddb.list_tags_of_resource, ResourceArn=other),
                         ("ValidationException",
                          "Invalid TableArn: Invalid ResourceArn provided as input %s" % other))
        self.assertEqual(self.error(self.ddb.tag_resource, ResourceArn=self.arn + "/index/gsi",
                                    Tags=[{"Key": "a", "Value": "b"}])[0], "ValidationException")

    def test_create_table_bad_tag_creates_nothing(self):
        self.assertEqual(self.error(self.ddb.create_table, TableName=TABLE + "Bad",
                                    Tags=[{"Key": "x", "Value": "100%"}], **key_schema()),
                         ("ValidationException", "The Tag Value provided is invalid, Value: 100%"))
        self.assertEqual(self.error(self.ddb.describe_table, TableName=TABLE + "Bad")[0],
                         "ResourceNotFoundException")


if __name__ == "__main__":
    unittest.main(verbosity=2)
