"""test_metrics.py: GET /metrics on the wire endpoint.

The answer must be Prometheus' text exposition format (checked line by line
by a strict parser below, the way Prometheus reads it), guarded by an access
key when dynamo.http_auth is on (HTTP Basic, as Prometheus' basic_auth sends
it, or SigV4), readable by roles with pg_monitor only, and its counters must
move with the requests boto3 makes.

Environment: DYNAMO_ENDPOINT (http://127.0.0.1:port), DYNAMO_KEY_ID,
DYNAMO_SECRET; a cluster with dynamo preloaded and dynamo.http_auth on.
"""
import base64
import datetime
import hashlib
import hmac
import http.client
import os
import re
import subprocess
import sys
import time
import unittest
import warnings

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

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
SAMPLE = re.compile(rf"^({NAME})(?:\{{(.*)\}})? (\S+)$")
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\\\|\\"|\\n)*)"(,|$)')


def client():
    return boto3.client("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 0}))


def sql(query):
    return subprocess.run(["psql", "-X", "-At", "-d", "postgres", "-c", query],
                          capture_output=True, text=True, check=True).stdout.strip()


def get(path="/metrics", headers=None, method="GET"):
    conn = http.client.HTTPConnection(HOST, PORT, timeout=10)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, dict((k.lower(), v) for k, v in response.getheaders()), body


def basic(key_id=KEY_ID, secret=SECRET):
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()}


def sigv4(path="/metrics"):
    """The headers of a GET signed with SigV4 for service dynamodb."""
    when = datetime.datetime.utcnow()
    amz_date, date = when.strftime("%Y%m%dT%H%M%SZ"), when.strftime("%Y%m%d")
    headers = {"host": f"{HOST}:{PORT}", "x-amz-date": amz_date}
    signed = ";".join(sorted(headers))
    canonical = "\n".join(["GET", path, ""] + [f"{k}:{headers[k]}" for k in sorted(headers)] +
                          ["", signed, hashlib.sha256(b"").hexdigest()])
    scope = f"{date}/us-east-1/dynamodb/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + SECRET).encode()
    for part in (date, "us-east-1", "dynamodb", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={KEY_ID}/{scope}, SignedHeaders={signed}, "
                                f"Signature={hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()}")
    return headers


def unescape(value):
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), value)


def parse(text):
    """Prometheus' text format, strictly: {(name, frozenset(labels)): value}, and the TYPE of each family."""
    assert text.endswith("\n"), "the last line must end with a newline"
    types, helps, samples = {}, set(), {}
    family_order = []
    for line in text[:-1].split("\n"):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert re.fullmatch(NAME, name) and name not in helps, line
            helps.add(name)
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert re.fullmatch(NAME, name) and name not in types, line
            assert kind in ("counter", "gauge", "histogram", "summary", "untyped"), line
            types[name] = kind
            family_order.append(name)
            continue
        assert not line.startswith("#") and line.strip() == line and line, repr(line)
        match = SAMPLE.match(line)
        assert match, repr(line)
        name, labels_text, value = match.groups()
        family = family_order[-1]   # a sample belongs to the family declared last
        suffixes = ("_bucket", "_sum", "_count") if types[family] == "histogram" else ("",)
        assert any(name == family + s for s in suffixes), f"{name} outside its family {family}"
        labels = {}
        rest = labels_text or ""
        while rest:
            m = LABEL.match(rest)
            assert m, f"bad labels in {line!r}"
            assert m.group(1) not in labels, line
            labels[m.group(1)] = unescape(m.group(2))
            rest = rest[m.end():]
        key = (name, frozenset(labels.items()))
        assert key not in samples, f"duplicate sample {line!r}"
        samples[key] = float(value)
    return types, samples


def value(samples, name, **labels):
    """The value of the sample with exactly these labels (database aside), 0 when absent."""
    for (n, lab), v in samples.items():
        d = dict(lab)
        d.pop("database", None)
        if n == name and d == labels:
            return v
    return 0.0


def scrape():
    status, headers, body = get(headers=basic())
    assert status == 200, (status, body)
    return parse(body)


warnings.simplefilter("ignore", ResourceWarning)   # boto3 keeps its connections


class Format(unittest.TestCase):
    def test_text_format(self):
        status, headers, body = get(headers=basic())
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["content-type"], "text/plain; version=0.0.4; charset=utf-8")
        types, samples = parse(body)
        self.assertEqual(types["dynamo_consumed_read_capacity_units_total"], "counter")
        self.assertEqual(types["dynamo_successful_request_latency_seconds"], "histogram")
        self.assertEqual(types["dynamo_provisioned_read_capacity_units"], "gauge")
        self.assertIn(("dynamo_metrics_dropped_total", frozenset()), samples)

    def test_histogram_buckets(self):
        ddb = client()
        ddb.list_tables()
        _, samples = scrape()
        series = {}
        for (name, labels), v in samples.items():
            if name == "dynamo_successful_request_latency_seconds_bucket":
                d = dict(labels)
                le = d.pop("le")
                series.setdefault(frozenset(d.items()), []).append((float(le), v))
        for labels, buckets in series.items():
            buckets.sort()
            counts = [c for _, c in buckets]
            self.assertEqual(counts, sorted(counts), "buckets are cumulative")
            self.assertEqual(buckets[-1][0], float("inf"))
            self.assertEqual(buckets[-1][1],
                             samples[("dynamo_successful_request_latency_seconds_count", labels)])

    def test_head(self):
        status, headers, body = get(headers=basic(), method="HEAD")
        self.assertEqual((status, body), (200, ""))
        self.assertGreater(int(headers["content-length"]), 0)

    def test_query_string_ignored(self):
        self.assertEqual(get("/metrics?name[]=x", headers=basic())[0], 200)

    def test_other_paths_still_404(self):
        self.assertEqual(get("/metricsx", headers=basic())[0], 404)
        self.assertEqual(get("/", headers=basic())[0], 200)


class Authentication(unittest.TestCase):
    def test_needs_a_key(self):
        status, headers, body = get()
        self.assertEqual(status, 401)
        self.assertEqual(headers["www-authenticate"], 'Basic realm="dynamo"')

    def test_wrong_secret(self):
        self.assertEqual(get(headers=basic(secret=SECRET + "x"))[0], 401)
        self.assertEqual(get(headers=basic(secret=SECRET[:-1]))[0], 401)
        self.assertEqual(get(headers=basic(key_id="AKIDNOSUCHKEY00000001"))[0], 401)
        self.assertEqual(get(headers={"Authorization": "Basic !!!"})[0], 401)

    def test_sigv4(self):
        status, _, body = get(headers=sigv4())
        self.assertEqual(status, 200, body)
        parse(body)

    def test_role_needs_pg_monitor(self):
        sql("DROP ROLE IF EXISTS metrics_wire_reader; CREATE ROLE metrics_wire_reader;"
            " GRANT USAGE ON SCHEMA dynamo TO metrics_wire_reader;"
            " SELECT dynamo.create_access_key('metrics_wire_reader', 'AKIDMETRICSREADER001', 'reader-secret')")
        try:
            self.assertEqual(get(headers=basic("AKIDMETRICSREADER001", "reader-secret"))[0], 403)
            sql("GRANT pg_monitor TO metrics_wire_reader")
            status, _, body = get(headers=basic("AKIDMETRICSREADER001", "reader-secret"))
            self.assertEqual(status, 200, body)
            parse(body)
        finally:
            sql("SELECT dynamo.drop_access_key('AKIDMETRICSREADER001');"
                " REVOKE USAGE ON SCHEMA dynamo FROM metrics_wire_reader; DROP ROLE metrics_wire_reader")


class Counters(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        cls.ddb.create_table(TableName="WireMetrics", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                             AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                             ProvisionedThroughput={"ReadCapacityUnits": 50, "WriteCapacityUnits": 40})

    @classmethod
    def tearDownClass(cls):
        cls.ddb.delete_table(TableName="WireMetrics")

    def test_counters_move(self):
        ddb = self.ddb
        _, before = scrape()
        for i in range(3):
            ddb.put_item(TableName="WireMetrics", Item={"id": {"S": f"k{i}"}})
        for i in range(2):
            ddb.get_item(TableName="WireMetrics", Key={"id": {"S": f"k{i}"}})
        ddb.query(TableName="WireMetrics", KeyConditionExpression="id = :k",
                  ExpressionAttributeValues={":k": {"S": "k1"}})
        with self.assertRaises(ddb.exceptions.ConditionalCheckFailedException):
            ddb.put_item(TableName="WireMetrics", Item={"id": {"S": "k0"}}, ConditionExpression="attribute_not_exists(id)")
        with self.assertRaises(ClientError):
            ddb.get_item(TableName="WireMetrics", Key={"nope": {"S": "x"}})
        _, after = scrape()

        def delta(name, **labels):
            return value(after, name, **labels) - value(before, name, **labels)

        latency = "dynamo_successful_request_latency_seconds_count"
        self.assertEqual(delta(latency, table="WireMetrics", operation="PutItem"), 3)
        self.assertEqual(delta(latency, table="WireMetrics", operation="GetItem"), 2)
        self.assertEqual(delta(latency, table="WireMetrics", operation="Query"), 1)
        self.assertEqual(delta("dynamo_returned_item_count_total", table="WireMetrics", operation="Query"), 1)
        self.assertEqual(delta("dynamo_conditional_check_failed_requests_total", table="WireMetrics"), 1)
        self.assertEqual(delta("dynamo_user_errors_total"), 1)   # the failed condition is not one
        self.assertGreater(delta("dynamo_consumed_write_capacity_units_total", table="WireMetrics"), 0)
        self.assertGreater(delta("dynamo_consumed_read_capacity_units_total", table="WireMetrics"), 0)
        self.assertEqual(value(after, "dynamo_provisioned_read_capacity_units", table="WireMetrics"), 50)
        self.assertEqual(value(after, "dynamo_provisioned_write_capacity_units", table="WireMetrics"), 40)
        # the same requests in the SQL view of the endpoint's database
        self.assertEqual(sql("SELECT sum(sample_count) FROM dynamo.metrics WHERE table_name = 'WireMetrics'"
                             " AND metric_name = 'SuccessfulRequestLatency' AND operation = 'PutItem'"), "3")

    def test_transaction_conflict(self):
        """An item held by another transaction: TransactionConflictException, counted per table."""
        ddb = self.ddb
        ddb.put_item(TableName="WireMetrics", Item={"id": {"S": "held"}, "n": {"N": "1"}})
        _, before = scrape()
        holder = subprocess.Popen(
            ["psql", "-X", "-q", "-d", "postgres", "-c",
             "BEGIN; SELECT dynamo.execute('UpdateItem', '{\"TableName\": \"WireMetrics\", "
             "\"Key\": {\"id\": {\"S\": \"held\"}}, \"UpdateExpression\": \"SET n = :v\", "
             "\"ExpressionAttributeValues\": {\":v\": {\"N\": \"2\"}}}'); SELECT pg_sleep(3); COMMIT;"],
            stdout=subprocess.DEVNULL)
        try:
            for _ in range(50):
                if sql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(3)%'"
                       " AND wait_event = 'PgSleep'") == "1":
                    break
                time.sleep(0.1)
            with self.assertRaises(ddb.exceptions.TransactionConflictException):
                ddb.put_item(TableName="WireMetrics", Item={"id": {"S": "held"}, "n": {"N": "3"}})
        finally:
            holder.wait()
        _, after = scrape()
        self.assertEqual(value(after, "dynamo_transaction_conflict_total", table="WireMetrics") -
                         value(before, "dynamo_transaction_conflict_total", table="WireMetrics"), 1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
