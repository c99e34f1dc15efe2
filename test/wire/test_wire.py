"""test_wire.py: the DynamoDB wire endpoint with the real AWS SDK for Python.

boto3 signs every request with SigV4 and checks every response's
x-amz-crc32; these tests use it as an application would, then probe the
endpoint with raw sockets for what an SDK never sends.

Environment: DYNAMO_ENDPOINT (http://127.0.0.1:port), DYNAMO_KEY_ID,
DYNAMO_SECRET. Run with Debian's python3 (python3-boto3).
"""
import datetime
import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import unittest
import warnings
import zlib

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

sys.dont_write_bytecode = True      # no __pycache__ in the tree for the helper below
import distributed   # noqa: E402

ENDPOINT = os.environ["DYNAMO_ENDPOINT"]
KEY_ID = os.environ["DYNAMO_KEY_ID"]
SECRET = os.environ["DYNAMO_SECRET"]
HOST, PORT = ENDPOINT.split("//")[1].split(":")
PORT = int(PORT)


def client(key_id=KEY_ID, secret=SECRET):
    return boto3.client("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=key_id, aws_secret_access_key=secret,
                        config=Config(retries={"max_attempts": 0}))


def sign(body, target, key_id=KEY_ID, secret=SECRET, when=None):
    """The headers of a SigV4-signed request, signed at `when` (UTC)."""
    when = when or datetime.datetime.utcnow()
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    date = when.strftime("%Y%m%d")
    headers = {"host": f"{HOST}:{PORT}", "x-amz-date": amz_date, "x-amz-target": target,
               "content-type": "application/x-amz-json-1.0"}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["POST", "/", ""] + [f"{k}:{headers[k]}" for k in sorted(headers)] +
                          ["", signed, hashlib.sha256(body).hexdigest()])
    scope = f"{date}/us-east-1/dynamodb/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, "us-east-1", "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={key_id}/{scope}, "
                                f"SignedHeaders={signed}, Signature={signature}")
    return headers


def raw(data, timeout=5):
    """Send bytes on a new connection; the bytes received until it closes or goes quiet."""
    with socket.create_connection((HOST, PORT), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"Connection: close" not in b"".join(chunks):
                    head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
                    if len(rest) >= length:
                        break
        except socket.timeout:
            pass
        return b"".join(chunks)


def signed_request_bytes(action, payload, **sign_args):
    """The bytes of a SigV4-signed POST of the action."""
    body = json.dumps(payload).encode()
    headers = sign(body, "DynamoDB_20120810." + action, **sign_args)
    head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


def request(action, payload, **sign_args):
    response = raw(signed_request_bytes(action, payload, **sign_args))
    status = int(response.split(b" ")[1])
    return status, json.loads(response.partition(b"\r\n\r\n")[2] or b"{}")


def parse_response(data):
    """(status, headers with lower-case names, body) of one raw HTTP response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split(" ")[1]), headers, body


def exchange(method, path="/", headers=None, body=b""):
    """Send one request on a new connection; its (status, headers, body)."""
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{PORT}\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    head += f"Content-Length: {len(body)}\r\n\r\n"
    return parse_response(raw(head.encode() + body))


class Tables(unittest.TestCase):
    def test_create_describe_list_delete(self):
        ddb = client()
        made = ddb.create_table(TableName="WireTables",
                                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                BillingMode="PAY_PER_REQUEST")
        self.assertEqual(made["TableDescription"]["TableStatus"], "ACTIVE")
        ddb.get_waiter("table_exists").wait(TableName="WireTables")
        described = ddb.describe_table(TableName="WireTables")["Table"]
        self.assertEqual(described["KeySchema"], [{"AttributeName": "id", "KeyType": "HASH"}])
        self.assertIn("WireTables", ddb.list_tables()["TableNames"])
        with self.assertRaises(ddb.exceptions.ResourceInUseException):
            ddb.create_table(TableName="WireTables", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")
        ddb.delete_table(TableName="WireTables")
        with self.assertRaises(ddb.exceptions.ResourceNotFoundException):
            ddb.describe_table(TableName="WireTables")


def sql(query, database="postgres"):
    return subprocess.run(["psql", "-X", "-At", "-d", database, "-c", query],
                          capture_output=True, text=True, check=True).stdout.strip()


WORKERS = "FROM pg_stat_activity WHERE backend_type = 'dynamo http worker'"


class Workers(unittest.TestCase):
    def test_no_transaction_left_open(self):
        ddb = client()
        for _ in range(5):
            with self.assertRaises(ClientError):
                ddb.get_item(TableName="NoSuchTable", Key={"id": {"S": "x"}})
        raw(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n{\"Tab")
        self.assertEqual(sql(f"SELECT count(*) {WORKERS} AND xact_start IS NOT NULL"), "0")

    def test_item_locked_by_sql_transaction(self):
        """A request does not wait past dynamo.http_lock_timeout, and its worker serves again."""
        ddb = client()
        ddb.create_table(TableName="WireLocks", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        try:
            ddb.put_item(TableName="WireLocks", Item={"id": {"S": "held"}, "n": {"N": "1"}})
            holder = subprocess.Popen(
                ["psql", "-X", "-q", "-d", "postgres", "-c",
                 "BEGIN; SELECT dynamo.execute('UpdateItem', '{\"TableName\": \"WireLocks\", "
                 "\"Key\": {\"id\": {\"S\": \"held\"}}, \"UpdateExpression\": \"SET n = :v\", "
                 "\"ExpressionAttributeValues\": {\":v\": {\"N\": \"2\"}}}'); SELECT pg_sleep(4); COMMIT;"],
                stdout=subprocess.DEVNULL)
            try:
                for _ in range(50):   # until the SQL transaction holds the row
                    if sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(4)%' "
                           "AND wait_event = 'PgSleep'") == "1":
                        break
                    time.sleep(0.1)
                started = time.time()
                with self.assertRaises(ddb.exceptions.TransactionConflictException) as failed:
                    ddb.put_item(TableName="WireLocks", Item={"id": {"S": "held"}, "n": {"N": "3"}})
                self.assertLess(time.time() - started, 2)
                self.assertEqual(failed.exception.response["Error"]["Message"], "Transaction is ongoing for the item")
                ddb.put_item(TableName="WireLocks", Item={"id": {"S": "free"}})   # others are served
            finally:
                holder.wait()
            self.assertEqual(ddb.get_item(TableName="WireLocks", Key={"id": {"S": "held"}})["Item"]["n"], {"N": "2"})
        finally:
            ddb.delete_table(TableName="WireLocks")

    def test_terminated_workers_come_back(self):
        before = sql(f"SELECT string_agg(pid::text, ' ' ORDER BY pid) {WORKERS}").split()
        self.assertEqual(len(before), 2)
        sql(f"SELECT pg_terminate_backend(pid) {WORKERS}")
        after = []
        for _ in range(100):
            after = sql(f"SELECT string_agg(pid::text, ' ' ORDER BY pid) {WORKERS}").split()
            if len(after) == 2 and not set(after) & set(before):
                break
            time.sleep(0.1)
        self.assertEqual(len(after), 2)
        self.assertFalse(set(after) & set(before))
        for _ in range(50):   # listening again a moment after they start
            try:
                self.assertIn("TableNames", client().list_tables())
                break
            except Exception:
                time.sleep(0.1)
        self.assertIn("TableNames", client().list_tables())


class Statistics(unittest.TestCase):
    @distributed.single_node("reads the statistics of the coordinator's partitions; a distributed table's rows are "
                             "written into the workers' shards, by the workers' backends")
    def test_endpoint_writes_reach_table_statistics(self):
        """Autovacuum works from these counters: the workers must report them."""
        ddb = client()
        ddb.create_table(TableName="WireStats", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                         BillingMode="PAY_PER_REQUEST")
        try:
            for i in range(20):
                ddb.put_item(TableName="WireStats", Item={"id": {"S": str(i % 10)}, "n": {"N": str(i)}})
            query = ("SELECT coalesce(sum(n_tup_ins), 0) || ' ' || coalesce(sum(n_tup_upd), 0) "
                     "FROM pg_stat_user_tables WHERE schemaname = 'dynamo_data' AND relname LIKE 'WireStats#%'")
            counts = None
            for _ in range(40):   # reported at most a second or so after the writes
                counts = sql(query).split()
                if counts == ["10", "10"]:
                    break
                time.sleep(0.25)
            self.assertEqual(counts, ["10", "10"])
        finally:
            ddb.delete_table(TableName="WireStats")


class Items(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.ddb.create_table(TableName="WireItems",
                             KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                        {"AttributeName": "sk", "KeyType": "RANGE"}],
                             AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                   {"AttributeName": "sk", "AttributeType": "N"}],
                             BillingMode="PAY_PER_REQUEST")

    @classmethod
    def tearDownClass(cls):
        cls.ddb.delete_table(TableName="WireItems")

    def test_put_get_update_delete(self):
        ddb = self.ddb
        ddb.put_item(TableName="WireItems", Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "1.50"},
                                                  "tags": {"SS": ["x", "y"]}, "blob": {"B": b"\x00\xff"}})
        item = ddb.get_item(TableName="WireItems", Key={"pk": {"S": "a"}, "sk": {"N": "1"}})["Item"]
        self.assertEqual(item["n"], {"N": "1.5"})
        self.assertEqual(sorted(item["tags"]["SS"]), ["x", "y"])
        self.assertEqual(item["blob"], {"B": b"\x00\xff"})
        updated = ddb.update_item(TableName="WireItems", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                                  UpdateExpression="SET n = n + :d ADD #c :one",
                                  ExpressionAttributeNames={"#c": "count"},
                                  ExpressionAttributeValues={":d": {"N": "1"}, ":one": {"N": "1"}},
                                  ReturnValues="UPDATED_NEW")["Attributes"]
        self.assertEqual(updated, {"n": {"N": "2.5"}, "count": {"N": "1"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException) as failed:
            ddb.put_item(TableName="WireItems", Item={"pk": {"S": "a"}, "sk": {"N": "1"}},
                         ConditionExpression="attribute_not_exists(pk)")
        self.assertEqual(failed.exception.response["Error"]["Message"], "The conditional request failed")
        self.assertNotIn("Item", failed.exception.response)
        # Debian's botocore predates ReturnValuesOnConditionCheckFailure: a signed raw request
        status, body = request("PutItem", {"TableName": "WireItems", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}},
                                           "ConditionExpression": "attribute_not_exists(pk)",
                                           "ReturnValuesOnConditionCheckFailure": "ALL_OLD"})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
        self.assertEqual(body["message"], "The conditional request failed")
        self.assertEqual(body["Item"]["n"], {"N": "2.5"})
        self.assertEqual(body["Item"]["tags"], {"SS": ["x", "y"]})
        old = ddb.delete_item(TableName="WireItems", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                              ReturnValues="ALL_OLD")["Attributes"]
        self.assertEqual(old["count"], {"N": "1"})
        self.assertNotIn("Item", ddb.get_item(TableName="WireItems", Key={"pk": {"S": "a"}, "sk": {"N": "1"}}))

    def test_concurrent_updates_of_one_item(self):
        """Clients adding to one counter at once: no update is lost (a request reads the item under its row lock)."""
        clients, rounds = 4, 40
        key = {"pk": {"S": "counter"}, "sk": {"N": "0"}}
        self.ddb.put_item(TableName="WireItems", Item=dict(key, n={"N": "0"}))
        failures = []

        def add():
            ddb = client()
            try:
                for _ in range(rounds):
                    ddb.update_item(TableName="WireItems", Key=key, UpdateExpression="ADD n :one",
                                    ExpressionAttributeValues={":one": {"N": "1"}})
            except Exception as error:   # noqa: BLE001 -- reported below
                failures.append(error)
        threads = [threading.Thread(target=add) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(failures, [])
        self.assertEqual(self.ddb.get_item(TableName="WireItems", Key=key, ConsistentRead=True)["Item"]["n"],
                         {"N": str(clients * rounds)})

    def test_large_items_on_one_connection(self):
        """Buffers grow for a 350 KB item and shrink back; the keep-alive connection goes on."""
        ddb = self.ddb
        big = "x" * (350 * 1024)
        for round_ in range(3):
            ddb.put_item(TableName="WireItems", Item={"pk": {"S": "big"}, "sk": {"N": str(round_)}, "v": {"S": big}})
            got = ddb.get_item(TableName="WireItems", Key={"pk": {"S": "big"}, "sk": {"N": str(round_)}})["Item"]
            self.assertEqual(len(got["v"]["S"]), len(big))
            ddb.put_item(TableName="WireItems", Item={"pk": {"S": "small"}, "sk": {"N": str(round_)}})
            self.assertIn("Item", ddb.get_item(TableName="WireItems", Key={"pk": {"S": "small"}, "sk": {"N": str(round_)}}))
        for round_ in range(3):
            ddb.delete_item(TableName="WireItems", Key={"pk": {"S": "big"}, "sk": {"N": str(round_)}})
            ddb.delete_item(TableName="WireItems", Key={"pk": {"S": "small"}, "sk": {"N": str(round_)}})

    def test_query_pages_scan_batches(self):
        ddb = self.ddb
        for start in range(0, 40, 20):
            ddb.batch_write_item(RequestItems={"WireItems": [
                {"PutRequest": {"Item": {"pk": {"S": "q"}, "sk": {"N": str(i)}, "odd": {"BOOL": i % 2 == 1}}}}
                for i in range(start, start + 20)]})
        pages = list(ddb.get_paginator("query").paginate(
            TableName="WireItems", KeyConditionExpression="pk = :p AND sk >= :s",
            ExpressionAttributeValues={":p": {"S": "q"}, ":s": {"N": "5"}},
            ScanIndexForward=False, PaginationConfig={"PageSize": 7}))
        keys = [int(i["sk"]["N"]) for page in pages for i in page["Items"]]
        self.assertEqual(keys, list(range(39, 4, -1)))
        self.assertGreater(len(pages), 4)
        scanned = ddb.scan(TableName="WireItems", FilterExpression="odd = :t",
                           ExpressionAttributeValues={":t": {"BOOL": True}}, Select="COUNT")
        self.assertEqual(scanned["Count"], 20)
        self.assertGreaterEqual(scanned["ScannedCount"], 40)
        got = ddb.batch_get_item(RequestItems={"WireItems": {
            "Keys": [{"pk": {"S": "q"}, "sk": {"N": str(i)}} for i in (1, 2, 99)],
            "ProjectionExpression": "sk"}})
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in got["Responses"]["WireItems"]), [1, 2])
        self.assertEqual(got["UnprocessedKeys"], {})

    def test_document_api(self):
        table = boto3.resource("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
                               aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET).Table("WireItems")
        table.put_item(Item={"pk": "doc", "sk": 1, "nested": {"list": [1, "two", {"three": True}]}})
        self.assertEqual(table.get_item(Key={"pk": "doc", "sk": 1})["Item"]["nested"]["list"][2],
                         {"three": True})

    def test_every_string_round_trips(self):
        """U+0000 and other characters jsonb cannot hold, in names, values, keys and sets."""
        ddb = self.ddb
        odd = "a\u0000b\u2028\U0001F600\u00e9"
        item = {"pk": {"S": "nul" + odd}, "sk": {"N": "1"}, "name" + odd: {"S": odd},
                "set": {"SS": [odd, "\u0000"]}, "map": {"M": {odd: {"L": [{"S": "\u0000"}]}}}}
        ddb.put_item(TableName="WireItems", Item=item)
        got = ddb.get_item(TableName="WireItems", Key={"pk": item["pk"], "sk": item["sk"]},
                           ConsistentRead=True)["Item"]
        self.assertEqual(got["name" + odd], {"S": odd})
        self.assertEqual(sorted(got["set"]["SS"]), sorted([odd, "\u0000"]))
        self.assertEqual(got["map"], item["map"])
        self.assertEqual(got["pk"], item["pk"])
        queried = ddb.query(TableName="WireItems", KeyConditionExpression="pk = :p",
                            FilterExpression="#n = :v", ExpressionAttributeNames={"#n": "name" + odd},
                            ExpressionAttributeValues={":p": item["pk"], ":v": {"S": odd}})
        self.assertEqual(queried["Count"], 1)
        updated = ddb.update_item(TableName="WireItems", Key={"pk": item["pk"], "sk": item["sk"]},
                                  UpdateExpression="SET #n = :v", ExpressionAttributeNames={"#n": odd},
                                  ExpressionAttributeValues={":v": {"S": "\u0000"}},
                                  ReturnValues="UPDATED_NEW")["Attributes"]
        self.assertEqual(updated, {odd: {"S": "\u0000"}})
        ddb.delete_item(TableName="WireItems", Key={"pk": item["pk"], "sk": item["sk"]})

    def test_account_actions(self):
        limits = self.ddb.describe_limits()
        self.assertEqual(limits["TableMaxReadCapacityUnits"], 40000)
        endpoints = self.ddb.describe_endpoints()["Endpoints"]
        self.assertEqual(endpoints[0]["CachePeriodInMinutes"], 1440)

    def test_validation_errors(self):
        ddb = self.ddb
        cases = [
            (lambda: ddb.get_item(TableName="WireItems", Key={"pk": {"S": "a"}}),
             "ValidationException", "The provided key element does not match the schema"),
            (lambda: ddb.put_item(TableName="WireItems", Item={"pk": {"S": "a"}, "sk": {"N": "1e999"}}),
             "ValidationException",
             "Number overflow. Attempting to store a number with magnitude larger than supported range"),
            (lambda: ddb.update_item(TableName="WireItems", Key={"pk": {"S": "a"}, "sk": {"N": "1"}},
                                     UpdateExpression="SET status = :v", ExpressionAttributeValues={":v": {"S": "x"}}),
             "ValidationException",
             "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status"),
            (lambda: ddb.get_item(TableName="Missing", Key={"pk": {"S": "a"}}),
             "ResourceNotFoundException", "Requested resource not found"),
        ]
        for call, code, message in cases:
            with self.assertRaises(ClientError) as failed:
                call()
            self.assertEqual(failed.exception.response["Error"]["Code"], code)
            self.assertEqual(failed.exception.response["Error"]["Message"], message)


class RequestValidation(unittest.TestCase):
    """The service-model validator over the wire: all violations of a request in one answer, in
    DynamoDB's order and wording, before any table is looked up; wrong JSON kinds first."""

    def test_several_errors_before_the_table(self):
        status, body = request("Query", {"TableName": "no", "Select": "EVERYTHING", "Limit": 0,
                                         "KeyConditionExpression": "pk = :p"})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazon.coral.validate#ValidationException")
        self.assertTrue(body["message"].startswith("3 validation errors detected: "), body["message"])
        self.assertIn("Value 'no' at 'tableName' failed to satisfy constraint: Member must have length greater "
                      "than or equal to 3", body["message"])
        self.assertIn("Value 'EVERYTHING' at 'select' failed to satisfy constraint: Member must satisfy "
                      "enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]",
                      body["message"])
        self.assertIn("Value '0' at 'limit' failed to satisfy constraint: Member must have value greater "
                      "than or equal to 1", body["message"])

    def test_missing_required_member(self):
        status, body = request("PutItem", {"TableName": "WireNowhere"})
        self.assertEqual(status, 400)
        self.assertEqual(body["message"], "1 validation error detected: Value null at 'item' failed to "
                                          "satisfy constraint: Member must not be null")

    def test_wrong_json_kind_is_serialization(self):
        status, body = request("GetItem", {"TableName": "WireNowhere", "Key": {"pk": {"S": "a"}},
                                           "ConsistentRead": 12})
        self.assertEqual(status, 400)
        self.assertEqual(body["__type"], "com.amazon.coral.service#SerializationException")

    def test_crash_shapes_of_the_past(self):
        """Requests that once killed the backend get DynamoDB's errors, and the worker serves on."""
        for payload in ({"TableName": "WireNowhere", "KeyConditions": {}}, {"TableName": "WireNowhere"}):
            status, body = request("Query", payload)
            self.assertEqual(status, 400, body)
        status, body = request("ListTables", {})
        self.assertEqual(status, 200)


class Authentication(unittest.TestCase):
    def test_unknown_key(self):
        with self.assertRaises(ClientError) as failed:
            client(key_id="AKIDNOTAKEY00000").list_tables()
        self.assertEqual(failed.exception.response["Error"]["Code"], "UnrecognizedClientException")
        self.assertEqual(failed.exception.response["Error"]["Message"],
                         "The security token included in the request is invalid.")

    def test_wrong_secret(self):
        with self.assertRaises(ClientError) as failed:
            client(secret="not the secret").list_tables()
        self.assertEqual(failed.exception.response["Error"]["Code"], "InvalidSignatureException")

    def test_expired_and_future_dates(self):
        for minutes, words in ((-20, "Signature expired"), (20, "Signature not yet current")):
            status, body = request("ListTables", {},
                                   when=datetime.datetime.utcnow() + datetime.timedelta(minutes=minutes))
            self.assertEqual(status, 400)
            self.assertTrue(body["__type"].endswith("#InvalidSignatureException"))
            self.assertTrue(body["message"].startswith(words), body["message"])

    def test_missing_signature(self):
        response = raw(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                       b"X-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: 2\r\n\r\n{}")
        self.assertIn(b"MissingAuthenticationTokenException", response)
        self.assertIn(b"Request is missing Authentication Token", response)

    def test_signed_raw_request(self):
        status, body = request("ListTables", {})
        self.assertEqual(status, 200)
        self.assertIn("TableNames", body)


class BadInput(unittest.TestCase):
    def assert_still_serving(self):
        self.assertIn("TableNames", client().list_tables())

    def test_garbage(self):
        response = raw(b"\x00\x01\x02 garbage \xff\r\n\r\n")
        self.assertTrue(response.startswith(b"HTTP/1.1 400"), response[:40])
        self.assert_still_serving()

    def test_truncated_request_then_close(self):
        with socket.create_connection((HOST, PORT)) as s:
            s.sendall(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\n{\"Tab")
        self.assert_still_serving()

    def test_oversize_headers(self):
        response = raw(b"GET / HTTP/1.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertTrue(response.startswith(b"HTTP/1.1 413"), response[:40])
        self.assert_still_serving()

    def test_oversize_body(self):
        response = raw(b"POST / HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n")
        self.assertTrue(response.startswith(b"HTTP/1.1 413"), response[:40])

    def test_silent_connections_do_not_block_others(self):
        idle = [socket.create_connection((HOST, PORT)) for _ in range(20)]
        try:
            started = time.time()
            self.assert_still_serving()
            self.assertLess(time.time() - started, 2)
        finally:
            for s in idle:
                s.close()

    def test_pipelined_requests(self):
        one = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
        with socket.create_connection((HOST, PORT), timeout=5) as s:
            s.sendall(one * 3)
            data = b""
            while data.count(b"HTTP/1.1 200") < 3:
                data += s.recv(65536)
        self.assertEqual(data.count(b"healthy"), 3)

    def test_expect_100_continue(self):
        body = json.dumps({"TableName": "NoSuchTable", "Key": {"id": {"S": "x"}}}).encode()
        headers = sign(body, "DynamoDB_20120810.GetItem")
        head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        head += f"Expect: 100-continue\r\nContent-Length: {len(body)}\r\n\r\n"
        with socket.create_connection((HOST, PORT), timeout=0.5) as s:
            s.sendall(head.encode())
            self.assertEqual(s.recv(65536), b"HTTP/1.1 100 Continue\r\n\r\n")   # at once, not after a timeout
            s.sendall(body)
            s.settimeout(5)
            data = b""
            while b"ResourceNotFoundException" not in data:
                chunk = s.recv(65536)
                self.assertTrue(chunk, data)
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data[:40])

    def test_wrong_content_type_and_target(self):
        for headers in (b"Content-Type: text/plain\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\n",
                        b"Content-Type: application/x-amz-json-1.0\r\n",
                        b"Content-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.Nope\r\n"):
            response = raw(b"POST / HTTP/1.1\r\n" + headers + b"Content-Length: 2\r\n\r\n{}")
            self.assertIn(b"UnknownOperationException", response)


CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-credentials", "access-control-expose-headers",
                "access-control-max-age", "access-control-allow-methods", "access-control-allow-headers")
EXPOSED = "x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date"


class HealthAndCors(unittest.TestCase):
    """GET / and CORS as DynamoDB answers them."""

    def test_health_check(self):
        status, headers, body = exchange("GET")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"healthy: dynamodb.us-east-1.amazonaws.com ")   # DynamoDB's trailing space
        self.assertEqual(headers["content-length"], "42")
        self.assertEqual(headers["x-amz-crc32"], str(zlib.crc32(body)))
        self.assertEqual(len(headers["x-amzn-requestid"]), 52)
        self.assertNotIn("content-type", headers)
        self.assertRegex(headers["date"], r"^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$")
        for name in CORS_HEADERS:
            self.assertNotIn(name, headers)

    def test_head_has_no_body(self):
        """HEAD / answers GET's headers without the body: the next answer follows at once."""
        with socket.create_connection((HOST, PORT), timeout=5) as s:
            s.sendall(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while not data.endswith(b"amazonaws.com "):
                chunk = s.recv(65536)
                self.assertTrue(chunk, data)
                data += chunk
        first, _, second = data.partition(b"\r\n\r\n")
        self.assertIn(b"Content-Length: 42", first)
        self.assertTrue(second.startswith(b"HTTP/1.1 200 OK\r\n"), second[:40])

    def test_not_an_operation(self):
        for method, path in (("GET", "/abc"), ("GET", "/health"), ("GET", "/index.htm"), ("PUT", "/"),
                             ("DELETE", "/"), ("OPTIONS", "/")):
            status, headers, body = exchange(method, path)
            self.assertEqual((method, path, status), (method, path, 404))
            self.assertEqual(body, b"<UnknownOperationException/>\n")
            self.assertEqual(headers["x-amz-crc32"], "3552371480")
            self.assertNotIn("content-type", headers)

    def test_no_cors_headers_without_origin(self):
        for method in ("GET", "POST", "OPTIONS"):
            _, headers, _ = exchange(method)
            for name in CORS_HEADERS:
                self.assertNotIn(name, headers, method)

    def test_cors_on_every_answer_to_an_origin(self):
        """Successes and errors alike; only a preflight has Max-Age and the echoes."""
        asks = {"Origin": "http://example.com", "Access-Control-Request-Method": "dog",
                "Access-Control-Request-Headers": "cat, meerkat, mouse"}
        unsigned = {**asks, "Content-Type": "application/x-amz-json-1.0",
                    "X-Amz-Target": "DynamoDB_20120810.ListTables"}
        for method, headers_sent, expected_status in (("GET", asks, 200), ("POST", unsigned, 400),
                                                      ("GET", {"Origin": "null"}, 200)):
            status, headers, _ = exchange(method, headers=headers_sent, body=b"{}" if method == "POST" else b"")
            self.assertEqual(status, expected_status)
            self.assertEqual(headers["access-control-allow-origin"], "*")
            self.assertEqual(headers["access-control-expose-headers"], EXPOSED)
            for name in ("access-control-max-age", "access-control-allow-methods", "access-control-allow-headers",
                         "access-control-allow-credentials"):
                self.assertNotIn(name, headers)
        signed = signed_request_bytes("ListTables", {})
        head, _, body = signed.partition(b"\r\n\r\n")
        status, headers, body = parse_response(raw(head + b"\r\nOrigin: http://example.com\r\n\r\n" + body))
        self.assertEqual(status, 200)
        self.assertIn("TableNames", json.loads(body))
        self.assertEqual(headers["access-control-allow-origin"], "*")

    def test_preflight(self):
        status, headers, body = exchange("OPTIONS", headers={
            "Origin": "https://foo.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type,X-Amz-Target,user-agent,content-length,host,"
                                              "Authorization,amz-sdk-invocation-id,amz-sdk-request,x-amz-security-token"})
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(headers["content-length"], "0")
        self.assertEqual(headers["access-control-allow-origin"], "*")
        self.assertEqual(headers["access-control-allow-methods"], "POST")
        self.assertEqual(headers["access-control-allow-headers"],
                         "Content-Type,X-Amz-Target,user-agent,content-length,host,Authorization,"
                         "amz-sdk-invocation-id,amz-sdk-request,x-amz-security-token")
        self.assertEqual(headers["access-control-expose-headers"], EXPOSED)
        self.assertEqual(headers["access-control-max-age"], "172800")
        self.assertEqual(len(headers["x-amzn-requestid"]), 52)
        self.assertNotIn("x-amz-crc32", headers)
        self.assertNotIn("content-type", headers)
        # without the Access-Control-Request-* headers, nothing is echoed
        status, headers, _ = exchange("OPTIONS", "/anything", headers={"Origin": "https://foo.example"})
        self.assertEqual(status, 200)
        self.assertNotIn("access-control-allow-methods", headers)
        self.assertNotIn("access-control-allow-headers", headers)
        self.assertEqual(headers["access-control-max-age"], "172800")


def worker_pids():
    return sql(f"SELECT string_agg(pid::text, ' ' ORDER BY pid) {WORKERS}").split()


def open_descriptors(pids):
    """Descriptors the workers hold (sockets included); None where /proc does not tell."""
    try:
        return sum(len(os.listdir(f"/proc/{pid}/fd")) for pid in pids)
    except OSError:
        return None


class Disconnects(unittest.TestCase):
    """A client that goes away in the middle of a request leaves nothing behind."""

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.ddb.create_table(TableName="WireCut", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             BillingMode="PAY_PER_REQUEST")

    @classmethod
    def tearDownClass(cls):
        cls.ddb.delete_table(TableName="WireCut")

    def test_close_in_the_middle_of_a_large_request(self):
        item = {"id": {"S": "cut"}, "v": {"S": "x" * (380 * 1024)}}
        whole = signed_request_bytes("PutItem", {"TableName": "WireCut", "Item": item})
        header_end = whole.index(b"\r\n\r\n") + 4
        pids = worker_pids()
        before = open_descriptors(pids)
        for cut in (20, header_end - 2, header_end, header_end + 1000, (header_end + len(whole)) // 2,
                    len(whole) - 1):
            for reset in (False, True):
                s = socket.create_connection((HOST, PORT))
                if reset:   # close with a RST, not a FIN
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.sendall(whole[:cut])
                time.sleep(0.05)
                s.close()
        time.sleep(0.3)
        # nothing written, no transaction open, the same workers, every connection closed
        self.assertNotIn("Item", self.ddb.get_item(TableName="WireCut", Key={"id": {"S": "cut"}}, ConsistentRead=True))
        self.assertEqual(sql("SELECT count(*) FROM dynamo_data.\"WireCut\""), "0")
        self.assertEqual(sql(f"SELECT count(*) {WORKERS} AND xact_start IS NOT NULL"), "0")
        self.assertEqual(worker_pids(), pids)
        if before is not None:
            for _ in range(50):
                if open_descriptors(pids) <= before + 1:   # + the client() connection made since
                    break
                time.sleep(0.1)
            self.assertLessEqual(open_descriptors(pids), before + 1)
        # and the same request whole is served
        response = raw(whole)
        self.assertTrue(response.startswith(b"HTTP/1.1 200"), response[:60])
        got = self.ddb.get_item(TableName="WireCut", Key={"id": {"S": "cut"}}, ConsistentRead=True)["Item"]
        self.assertEqual(len(got["v"]["S"]), 380 * 1024)

    def test_whole_request_then_shutdown(self):
        """A client that sends a whole request and shuts down its side still gets the answer."""
        with socket.create_connection((HOST, PORT), timeout=5) as s:
            s.sendall(signed_request_bytes("PutItem", {"TableName": "WireCut", "Item": {"id": {"S": "half-closed"}}}))
            s.shutdown(socket.SHUT_WR)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        self.assertTrue(data.startswith(b"HTTP/1.1 200"), data[:60])
        self.assertIn("Item", self.ddb.get_item(TableName="WireCut", Key={"id": {"S": "half-closed"}},
                                                ConsistentRead=True))


NO_EXTENSION_DB = os.environ.get("DYNAMO_WIRE_NO_EXTENSION_DB")


def server_log():
    """The cluster's log (pg_virtualenv's cluster on PGPORT), as text."""
    for line in subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout.splitlines():
        fields = line.split()
        if len(fields) >= 7 and fields[2] == os.environ.get("PGPORT", "5432"):
            with open(fields[6], errors="replace") as log:
                return log.read()
    raise unittest.SkipTest("no log file found for the cluster")


@unittest.skipUnless(NO_EXTENSION_DB, "needs an endpoint on a database without the extension (test/wire/no_extension.sh)")
class NoExtension(unittest.TestCase):
    """dynamo.http_database names a database without CREATE EXTENSION dynamo."""

    LOGGED = f'extension "dynamo" is not installed in database "{NO_EXTENSION_DB}"'
    MESSAGE = (f'The dynamo extension is not installed in database "{NO_EXTENSION_DB}" (dynamo.http_database): '
               "run CREATE EXTENSION dynamo in it")

    def assert_missing_extension_answers(self):
        for _ in range(10):
            status, body = request("ListTables", {})
            self.assertEqual(status, 500)
            self.assertEqual(body, {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError",
                                    "message": self.MESSAGE})
            status, headers, body = exchange("GET")
            self.assertEqual(status, 500)
            self.assertEqual(json.loads(body)["message"], self.MESSAGE)
        with self.assertRaises(ClientError) as failed:
            client().list_tables()
        self.assertEqual(failed.exception.response["Error"]["Code"], "InternalServerError")
        self.assertEqual(failed.exception.response["Error"]["Message"], self.MESSAGE)

    def test_answers_and_log(self):
        self.assert_missing_extension_answers()
        self.assertEqual(server_log().count(self.LOGGED), 1)   # at startup, not per request
        # CREATE EXTENSION takes effect at once, without a restart
        sql("CREATE EXTENSION dynamo", NO_EXTENSION_DB)
        sql(f"SELECT dynamo.create_access_key('postgres', '{KEY_ID}', '{SECRET}')", NO_EXTENSION_DB)
        for _ in range(10):
            self.assertIn("TableNames", client().list_tables())
            self.assertEqual(exchange("GET")[0], 200)
        # and DROP EXTENSION is noticed: logged once more (at most once per worker)
        sql("DROP EXTENSION dynamo CASCADE", NO_EXTENSION_DB)
        self.assert_missing_extension_answers()
        self.assertIn(server_log().count(self.LOGGED), (2, 3))
        self.assertEqual(sql(f"SELECT count(*) {WORKERS} AND xact_start IS NOT NULL", NO_EXTENSION_DB), "0")


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2, warnings="ignore")
