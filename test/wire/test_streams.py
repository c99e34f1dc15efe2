"""test_streams.py: the DynamoDB Streams API on the wire endpoint, with
boto3's dynamodbstreams client (X-Amz-Target DynamoDBStreams_20120810.*).

The streams, shards and records are written straight into the streams
catalog (dynamo.streams, dynamo.stream_shards, dynamo.stream_records) with
psql, so the API is tested apart from the capture worker that fills them.

Environment: DYNAMO_ENDPOINT (http://127.0.0.1:port), DYNAMO_KEY_ID,
DYNAMO_SECRET. Run with Debian's python3 (python3-boto3).
"""
import datetime
import json
import os
import subprocess
import time
import unittest

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from test_wire import request, sign, raw, HOST, PORT

ENDPOINT = os.environ["DYNAMO_ENDPOINT"]
KEY_ID = os.environ["DYNAMO_KEY_ID"]
SECRET = os.environ["DYNAMO_SECRET"]

TABLE = "WireStreams"
LABEL = "2024-01-01T00:00:00.000"
ARN = f"arn:aws:dynamodb:us-east-1:000000000000:table/{TABLE}/stream/{LABEL}"
CLOSED = "shardId-00000001704067200000-0000000a"
CHILD = "shardId-00000001704070800000-0000000b"
TRIMMED = "shardId-00000001704067200000-0000000c"

FIXTURES = f"""
DELETE FROM dynamo.streams WHERE table_name = '{TABLE}';
INSERT INTO dynamo.streams (table_name, stream_label, table_id, view_type, status, key_schema, partition_count, creation_time)
VALUES ('{TABLE}', '{LABEL}', gen_random_uuid(), 'NEW_AND_OLD_IMAGES', 'ENABLED',
        '[{{"AttributeName": "pk", "KeyType": "HASH"}}]', 2, '2024-01-01 00:00:00+00');
INSERT INTO dynamo.stream_shards (shard_id, table_name, stream_label, partition, parent_shard_id,
                                  starting_sequence_number, ending_sequence_number, trimmed_before)
VALUES ('{CLOSED}', '{TABLE}', '{LABEL}', 0, NULL, 100, 299, 0),
       ('{CHILD}', '{TABLE}', '{LABEL}', 0, '{CLOSED}', 300, NULL, 0),
       ('{TRIMMED}', '{TABLE}', '{LABEL}', 1, NULL, 100, NULL, 500);
INSERT INTO dynamo.stream_records (shard_id, sequence_number, event_name, approximate_creation_time, keys,
                                   new_image, old_image, size_bytes, by_service)
VALUES ('{CLOSED}', 100, 'INSERT', '2024-01-01 00:00:01.9+00', '{{"pk": {{"S": "a"}}}}',
        '{{"pk": {{"S": "a"}}, "n": {{"N": "1"}}, "b": {{"B": "AAEC"}}, "ss": {{"SS": ["x", "y"]}}}}', NULL, 30, false),
       ('{CLOSED}', 150, 'MODIFY', '2024-01-01 00:00:02+00', '{{"pk": {{"S": "a"}}}}',
        '{{"pk": {{"S": "a"}}, "n": {{"N": "2"}}}}', '{{"pk": {{"S": "a"}}, "n": {{"N": "1"}}}}', 20, false),
       ('{CHILD}', 300, 'REMOVE', '2024-01-01 01:00:00+00', '{{"pk": {{"S": "a"}}}}',
        NULL, '{{"pk": {{"S": "a"}}, "n": {{"N": "2"}}}}', 10, true),
       ('{TRIMMED}', 600, 'INSERT', '2024-01-01 00:00:04+00', '{{"pk": {{"S": "c"}}}}',
        '{{"pk": {{"S": "c"}}}}', NULL, 5, false);
"""


def sql(query):
    return subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", "postgres", "-c", query],
                          capture_output=True, text=True, check=True).stdout.strip()


def streams():
    return boto3.client("dynamodbstreams", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 0}))


def streams_request(action, payload):
    """(status, body) of a signed DynamoDB Streams request sent raw (for what
    Debian's botocore does not know yet, such as ShardFilter)."""
    body = json.dumps(payload).encode()
    headers = sign(body, "DynamoDBStreams_20120810." + action)
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    response = raw(head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return int(response.split(b" ")[1]), json.loads(response.partition(b"\r\n\r\n")[2] or b"{}")


def error_of(call, **args):
    try:
        call(**args)
    except ClientError as e:
        return e.response["Error"]["Code"], e.response["Error"]["Message"]
    return None


class StreamsApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sql(FIXTURES)
        cls.client = streams()

    @classmethod
    def tearDownClass(cls):
        sql(f"DELETE FROM dynamo.streams WHERE table_name = '{TABLE}'")

    def iterator(self, shard, kind, sequence=None):
        args = {"StreamArn": ARN, "ShardId": shard, "ShardIteratorType": kind}
        if sequence is not None:
            args["SequenceNumber"] = sequence
        return self.client.get_shard_iterator(**args)["ShardIterator"]

    def test_list_streams(self):
        got = self.client.list_streams(TableName=TABLE)
        self.assertEqual(got["Streams"], [{"StreamArn": ARN, "TableName": TABLE, "StreamLabel": LABEL}])
        self.assertNotIn("LastEvaluatedStreamArn", got)
        # pages of one through every stream reach ours exactly once
        seen, start = [], None
        while True:
            args = {"Limit": 1}
            if start:
                args["ExclusiveStartStreamArn"] = start
            page = self.client.list_streams(**args)
            self.assertLessEqual(len(page["Streams"]), 1)
            seen += [s["StreamArn"] for s in page["Streams"]]
            start = page.get("LastEvaluatedStreamArn")
            if not start:
                break
        self.assertEqual(seen.count(ARN), 1)
        self.assertEqual(error_of(self.client.list_streams, TableName="NoSuchWireTable"),
                         ("ResourceNotFoundException", "Requested resource not found: Table: NoSuchWireTable not found"))
        self.assertEqual(error_of(self.client.list_streams, Limit=101)[0], "ValidationException")

    def test_describe_stream(self):
        got = self.client.describe_stream(StreamArn=ARN)["StreamDescription"]
        self.assertEqual(got["StreamArn"], ARN)
        self.assertEqual(got["StreamLabel"], LABEL)
        self.assertEqual(got["StreamStatus"], "ENABLED")
        self.assertEqual(got["StreamViewType"], "NEW_AND_OLD_IMAGES")
        self.assertEqual(got["TableName"], TABLE)
        self.assertEqual(got["KeySchema"], [{"AttributeName": "pk", "KeyType": "HASH"}])
        self.assertEqual(got["CreationRequestDateTime"],
                         datetime.datetime(2024, 1, 1, tzinfo=got["CreationRequestDateTime"].tzinfo))
        shards = got["Shards"]
        self.assertEqual([s["ShardId"] for s in shards], sorted([CLOSED, CHILD, TRIMMED]))
        closed = [s for s in shards if s["ShardId"] == CLOSED][0]
        self.assertEqual(closed["SequenceNumberRange"], {"StartingSequenceNumber": "000000000000000000100",
                                                         "EndingSequenceNumber": "000000000000000000299"})
        child = [s for s in shards if s["ShardId"] == CHILD][0]
        self.assertEqual(child["ParentShardId"], CLOSED)
        self.assertNotIn("EndingSequenceNumber", child["SequenceNumberRange"])
        # shard pages, as the KCL adapter walks them
        page = self.client.describe_stream(StreamArn=ARN, Limit=2)["StreamDescription"]
        self.assertEqual(len(page["Shards"]), 2)
        rest = self.client.describe_stream(StreamArn=ARN, ExclusiveStartShardId=page["LastEvaluatedShardId"])
        self.assertEqual(len(rest["StreamDescription"]["Shards"]), 1)
        self.assertNotIn("LastEvaluatedShardId", rest["StreamDescription"])
        # ShardFilter: raw, Debian's botocore predates it
        status, children = streams_request("DescribeStream", {"StreamArn": ARN,
                                                              "ShardFilter": {"Type": "CHILD_SHARDS", "ShardId": CLOSED}})
        self.assertEqual(status, 200)
        self.assertEqual([s["ShardId"] for s in children["StreamDescription"]["Shards"]], [CHILD])
        missing = ARN.replace(LABEL, "2020-01-01T00:00:00.000")
        self.assertEqual(error_of(self.client.describe_stream, StreamArn=missing),
                         ("ResourceNotFoundException", f"Requested resource not found: Stream: {missing} not found"))
        self.assertEqual(error_of(self.client.describe_stream, StreamArn="x" * 40),
                         ("ValidationException", "Invalid StreamArn"))

    def test_get_records(self):
        got = self.client.get_records(ShardIterator=self.iterator(CLOSED, "TRIM_HORIZON"))
        # the closed shard is read to its end: no NextShardIterator
        self.assertNotIn("NextShardIterator", got)
        first, second = got["Records"]
        self.assertEqual(first["eventName"], "INSERT")
        self.assertEqual(first["eventVersion"], "1.1")
        self.assertEqual(first["eventSource"], "aws:dynamodb")
        self.assertEqual(first["awsRegion"], "us-east-1")
        self.assertEqual(len(first["eventID"]), 32)
        record = first["dynamodb"]
        self.assertEqual(record["ApproximateCreationDateTime"],
                         datetime.datetime(2024, 1, 1, 0, 0, 1, tzinfo=record["ApproximateCreationDateTime"].tzinfo))
        self.assertEqual(record["Keys"], {"pk": {"S": "a"}})
        self.assertEqual(record["NewImage"], {"pk": {"S": "a"}, "n": {"N": "1"}, "b": {"B": b"\x00\x01\x02"},
                                              "ss": {"SS": ["x", "y"]}})
        self.assertNotIn("OldImage", record)
        self.assertEqual(record["SequenceNumber"], "000000000000000000100")
        self.assertEqual(record["SizeBytes"], 30)
        self.assertEqual(record["StreamViewType"], "NEW_AND_OLD_IMAGES")
        self.assertNotIn("userIdentity", first)
        self.assertEqual(second["dynamodb"]["OldImage"], {"pk": {"S": "a"}, "n": {"N": "1"}})

        # Limit, then the iterator that follows; AFTER_SEQUENCE_NUMBER
        page = self.client.get_records(ShardIterator=self.iterator(CLOSED, "TRIM_HORIZON"), Limit=1)
        self.assertEqual([r["dynamodb"]["SequenceNumber"] for r in page["Records"]], ["000000000000000000100"])
        page = self.client.get_records(ShardIterator=page["NextShardIterator"])
        self.assertEqual([r["dynamodb"]["SequenceNumber"] for r in page["Records"]], ["000000000000000000150"])
        after = self.client.get_records(ShardIterator=self.iterator(CLOSED, "AFTER_SEQUENCE_NUMBER", "000000000000000000100"))
        self.assertEqual([r["eventName"] for r in after["Records"]], ["MODIFY"])

        # a TTL deletion carries userIdentity; the open child keeps an iterator
        child = self.client.get_records(ShardIterator=self.iterator(CHILD, "TRIM_HORIZON"))
        self.assertEqual(child["Records"][0]["userIdentity"], {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"})
        self.assertIn("NextShardIterator", child)
        latest = self.iterator(CHILD, "LATEST")
        self.assertEqual(self.client.get_records(ShardIterator=latest)["Records"], [])
        sql(f"""INSERT INTO dynamo.stream_records VALUES ('{CHILD}', 301, 'INSERT', now(),
                '{{"pk": {{"S": "new"}}}}', '{{"pk": {{"S": "new"}}}}', NULL, 6, false)""")
        got = self.client.get_records(ShardIterator=latest)
        self.assertEqual([r["dynamodb"]["Keys"] for r in got["Records"]], [{"pk": {"S": "new"}}])

    def test_errors(self):
        self.assertEqual(error_of(self.client.get_records, ShardIterator="sdfsdfsgagaddafgagasgasgasdfasdfasdfasdfasdgasdasdgasdg"),
                         ("ValidationException", "Invalid ShardIterator"))
        it = self.iterator(CLOSED, "TRIM_HORIZON")
        self.assertEqual(error_of(self.client.get_records, ShardIterator=it[:-8] + "AAAAAAA="),
                         ("ValidationException", "Invalid ShardIterator"))
        self.assertEqual(error_of(self.client.get_shard_iterator, StreamArn=ARN, ShardId="shardId-00000009999999999999-00000000",
                                  ShardIteratorType="LATEST"),
                         ("ResourceNotFoundException", "Requested resource not found: Shard does not exist"))
        self.assertEqual(error_of(self.client.get_shard_iterator, StreamArn=ARN, ShardId=TRIMMED,
                                  ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber="000000000000000000400"),
                         ("TrimmedDataAccessException", "The data you are trying to access has been trimmed"))
        self.assertEqual(error_of(self.client.get_shard_iterator, StreamArn=ARN, ShardId=CLOSED,
                                  ShardIteratorType="AT_SEQUENCE_NUMBER")[0], "ValidationException")
        trimmed_later = self.iterator(TRIMMED, "AT_SEQUENCE_NUMBER", "000000000000000000550")
        sql(f"UPDATE dynamo.stream_shards SET trimmed_before = 601 WHERE shard_id = '{TRIMMED}'")
        try:
            self.assertEqual(error_of(self.client.get_records, ShardIterator=trimmed_later)[0], "TrimmedDataAccessException")
        finally:
            sql(f"UPDATE dynamo.stream_shards SET trimmed_before = 500 WHERE shard_id = '{TRIMMED}'")

    def test_targets_are_per_service(self):
        """A Streams action under DynamoDB's target, or DynamoDB's under the Streams one, is unknown."""
        status, body = request("GetRecords", {"ShardIterator": "x"})
        self.assertEqual((status, body.get("__type", "").split("#")[-1]), (400, "UnknownOperationException"))
        status, body = streams_request("DescribeTable", {"TableName": TABLE})
        self.assertEqual((status, body.get("__type", "").split("#")[-1]), (400, "UnknownOperationException"))
        # the wire's error type of a Streams exception, as DynamoDB Streams sends it
        status, body = streams_request("DescribeStream", {"StreamArn": ARN.replace(LABEL, "2020-01-01T00:00:00.000")})
        self.assertEqual((status, body["__type"]), (400, "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"))


class CapturedRecords(unittest.TestCase):
    """Records the capture worker stores from the WAL, read with boto3 as a
    consumer reads them: every shard, from TRIM_HORIZON, until it is caught up."""

    TABLE = "WireStreamsCaptured"

    @classmethod
    def setUpClass(cls):
        cls.dynamodb = boto3.client("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
                                    aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                                    config=Config(retries={"max_attempts": 0}))
        cls.client = streams()
        cls.dynamodb.create_table(TableName=cls.TABLE, BillingMode="PAY_PER_REQUEST",
                                  KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                  StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        cls.arn = cls.dynamodb.describe_table(TableName=cls.TABLE)["Table"]["LatestStreamArn"]

    @classmethod
    def tearDownClass(cls):
        cls.dynamodb.delete_table(TableName=cls.TABLE)

    def read_all(self, want, timeout=20):
        """Every record of the stream, once want of them have come."""
        deadline = time.time() + timeout
        while True:
            records = []
            for shard in self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]:
                it = self.client.get_shard_iterator(StreamArn=self.arn, ShardId=shard["ShardId"],
                                                    ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
                while it:
                    page = self.client.get_records(ShardIterator=it)
                    records += page["Records"]
                    if not page["Records"]:
                        break
                    it = page.get("NextShardIterator")
            if len(records) >= want or time.time() > deadline:
                return sorted(records, key=lambda r: int(r["dynamodb"]["SequenceNumber"]))
            time.sleep(0.2)

    def test_put_update_delete(self):
        deadline = time.time() + 20
        while self.client.describe_stream(StreamArn=self.arn)["StreamDescription"]["StreamStatus"] != "ENABLED":
            self.assertLess(time.time(), deadline, "the stream never became ENABLED")
            time.sleep(0.2)
        self.dynamodb.put_item(TableName=self.TABLE, Item={"id": {"S": "w"}, "n": {"N": "1"}})
        self.dynamodb.update_item(TableName=self.TABLE, Key={"id": {"S": "w"}}, UpdateExpression="SET n = :n",
                                  ExpressionAttributeValues={":n": {"N": "2"}})
        self.dynamodb.delete_item(TableName=self.TABLE, Key={"id": {"S": "w"}})
        records = self.read_all(3)
        self.assertEqual([r["eventName"] for r in records], ["INSERT", "MODIFY", "REMOVE"])
        self.assertEqual(records[1]["dynamodb"]["OldImage"], {"id": {"S": "w"}, "n": {"N": "1"}})
        self.assertEqual(records[1]["dynamodb"]["NewImage"], {"id": {"S": "w"}, "n": {"N": "2"}})
        self.assertEqual(records[2]["dynamodb"]["Keys"], {"id": {"S": "w"}})
        self.assertNotIn("NewImage", records[2]["dynamodb"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
