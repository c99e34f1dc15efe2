"""test_indexes.py: secondary indexes through the wire endpoint, with boto3.

Local and global secondary indexes as an application meets them: created with
the table and usable at once, described with exactly DynamoDB's members,
queried and scanned with IndexName (key conditions, filters, projections,
Select, pages, parallel segments), kept up to date by every kind of write
(sparse items, moves between index keys, REMOVE, BatchWriteItem), refusing
index keys of the wrong type or empty, added to a table that holds data
(CREATING with Backfilling, then ACTIVE) and deleted, with UpdateTable's
errors, ItemCollectionMetrics, ConsumedCapacity with INDEXES, and DeleteTable
leaving no relation behind.

Error messages are DynamoDB's own. Where they come from: the ones marked
"(dynalite)" are asserted by dynalite's test suite, which was checked against
DynamoDB; "(AWS probes)" were recorded from real DynamoDB in published probe
notes; "(users)" are quoted from DynamoDB answers in application bug reports;
"(inferred)" are not confirmed anywhere and say so.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET, as test_wire.py.
Run with Debian's python3 (python3-boto3).
"""
import json
import sys
import time
import unittest
import warnings

from botocore.exceptions import ClientError

sys.dont_write_bytecode = True      # no __pycache__ in the tree for the helpers below
from test_wire import client, request, sql   # noqa: E402

# DynamoDB's messages
NO_INDEX = "The table does not have the specified index: {}"                      # (dynalite)
GSI_CONSISTENT = "Consistent reads are not supported on global secondary indexes"  # (dynalite)
ALL_ATTRIBUTES = ("One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
                  "for global secondary index {} because its projection type is not ALL")  # (dynalite)
TYPE_MISMATCH = ("One or more parameter values were invalid: Type mismatch for Index Key {} "
                 "Expected: {} Actual: {} IndexName: {}")                           # (dynalite, users)
EMPTY_KEY = ("One or more parameter values are not valid. A value specified for a secondary index key is not "
             "supported. The AttributeValue for a key attribute cannot contain an empty {} value. "
             "IndexName: {}, IndexKey: {}")                                          # (users)
MISSED_KEY = "Query condition missed key schema element: {}"                        # (dynalite)
BACKFILLING = "Cannot read from backfilling global secondary index: {}"             # (users)
ONE_ONLINE_INDEX = ("Subscriber limit exceeded: Only 1 online index can be created or deleted "
                    "simultaneously per table")                                      # (AWS probes)
ONE_UPDATE_PER_INDEX = ("One or more parameter values were invalid: Only one global secondary index update "
                        "per index is allowed simultaneously. Index: {}")            # (AWS probes)
UNKNOWN_INDEX = "Requested resource not found: Index {} for table {}"               # (AWS probes, for Update)

LSI_MEMBERS = {"IndexName", "KeySchema", "Projection", "IndexSizeBytes", "ItemCount", "IndexArn"}
GSI_MEMBERS = LSI_MEMBERS | {"IndexStatus", "ProvisionedThroughput"}
# DynamoDB also reports WarmThroughput on every GSI (and on the table); this
# project reports it on neither, so it is allowed but not required here.
GSI_OPTIONAL = {"OnDemandThroughput", "WarmThroughput"}


def S(value):
    return {"S": value}


def N(value):
    return {"N": str(value)}


def key_schema(hash_key, range_key=None):
    keys = [{"AttributeName": hash_key, "KeyType": "HASH"}]
    if range_key:
        keys.append({"AttributeName": range_key, "KeyType": "RANGE"})
    return keys


def projection(kind, *attributes):
    p = {"ProjectionType": kind}
    if attributes:
        p["NonKeyAttributes"] = list(attributes)
    return p


def attribute_definitions(**types):
    return [{"AttributeName": name, "AttributeType": t} for name, t in types.items()]


def drop_table(ddb, name):
    try:
        ddb.delete_table(TableName=name)
    except ClientError as failed:
        if failed.response["Error"]["Code"] != "ResourceNotFoundException":
            raise


def query_all(ddb, **request):
    """Every item of a Query or Scan (request["_op"]), following LastEvaluatedKey."""
    op = getattr(ddb, request.pop("_op", "query"))
    items, pages = [], 0
    while True:
        page = op(**request)
        items += page.get("Items", [])
        pages += 1
        if "LastEvaluatedKey" not in page:
            return items, pages
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def raw(action, payload):
    """A signed request sent without boto3: Debian's botocore predates OnDemandThroughput and drops the
    members its model does not know from answers, so exact descriptions are read raw."""
    status, body = request(action, payload)
    return status, body


def canonical(items):
    """Items as comparable text, whatever the order of their members."""
    return sorted(json.dumps(item, sort_keys=True, default=repr) for item in items)


def keys_of(items, *names):
    return sorted(tuple(item[n][next(iter(item[n]))] for n in names) for item in items)


class IndexCase(unittest.TestCase):
    def assert_raw_error(self, code, message, action, payload):
        status, body = raw(action, payload)
        self.assertEqual(status, 400, body)
        # DynamoDB's own __type for a ValidationException is com.amazon.coral.validate#..., the others
        # com.amazonaws.dynamodb.v20120810#...: the name after '#' is what clients read
        self.assertEqual(body.get("__type", "").partition("#")[2], code, body)
        self.assertEqual(body.get("message", body.get("Message")), message)

    def assert_error(self, code, message, call, *args, **kwargs):
        """call(*args, **kwargs) fails with this code and exactly this message (a regex when message is compiled)."""
        with self.assertRaises(ClientError) as failed:
            call(*args, **kwargs)
        error = failed.exception.response["Error"]
        self.assertEqual(error["Code"], code, error)
        if message is not None:
            self.assertEqual(error["Message"], message)
        return error


class TableWithIndexes(IndexCase):
    """WireIdx: pk/sk with two LSIs and one GSI, created in one call."""

    TABLE = "WireIdx"

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        drop_table(cls.ddb, cls.TABLE)
        status, created = raw("CreateTable", dict(
            TableName=cls.TABLE, KeySchema=key_schema("pk", "sk"),
            AttributeDefinitions=attribute_definitions(pk="S", sk="S", date="S", rank="N", owner="S", created="N"),
            LocalSecondaryIndexes=[
                {"IndexName": "by_date", "KeySchema": key_schema("pk", "date"), "Projection": projection("ALL")},
                {"IndexName": "by_rank", "KeySchema": key_schema("pk", "rank"), "Projection": projection("KEYS_ONLY")},
            ],
            GlobalSecondaryIndexes=[
                {"IndexName": "by_owner", "KeySchema": key_schema("owner", "created"),
                 "Projection": projection("INCLUDE", "title", "album"),
                 "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50}},
            ],
            BillingMode="PAY_PER_REQUEST"))
        if status != 200:
            raise AssertionError(f"CreateTable: {status} {created}")
        cls.created = created["TableDescription"]
        # no waiting: the indexes are usable as soon as the table is
        cls.items = []
        for i in range(12):
            item = {"pk": S("p1" if i < 8 else "p2"), "sk": S(f"s{i:02}"), "title": S(f"title {i}"),
                    "album": S(f"album {i % 3}"), "body": S("x" * i), "n": N(i)}
            if i % 4 != 3:                      # sparse: every fourth item has no date
                item["date"] = S(f"2024-01-{i + 1:02}")
            item["rank"] = N(100 - i)
            if i % 3 != 2:                      # sparse: every third item has no owner
                item["owner"] = S("alice" if i % 2 == 0 else "bob")
                item["created"] = N(1000 + i)
            cls.items.append(item)
            cls.ddb.put_item(TableName=cls.TABLE, Item=item)

    @classmethod
    def tearDownClass(cls):
        drop_table(cls.ddb, cls.TABLE)

    def query(self, **request):
        return self.ddb.query(TableName=self.TABLE, **request)

    # --- the description ---------------------------------------------------

    def check_description(self, table, status):
        arn = table["TableArn"]
        lsis = table["LocalSecondaryIndexes"]
        self.assertEqual([i["IndexName"] for i in lsis], ["by_date", "by_rank"])   # in the order given
        for lsi in lsis:
            self.assertEqual(set(lsi), LSI_MEMBERS, lsi)
            self.assertEqual(lsi["IndexArn"], f"{arn}/index/{lsi['IndexName']}")
            self.assertIsInstance(lsi["IndexSizeBytes"], int)
            self.assertIsInstance(lsi["ItemCount"], int)
        self.assertEqual(lsis[0]["KeySchema"], key_schema("pk", "date"))
        self.assertEqual(lsis[0]["Projection"], {"ProjectionType": "ALL"})
        self.assertEqual(lsis[1]["KeySchema"], key_schema("pk", "rank"))
        self.assertEqual(lsis[1]["Projection"], {"ProjectionType": "KEYS_ONLY"})
        gsis = table["GlobalSecondaryIndexes"]
        self.assertEqual(len(gsis), 1)
        gsi = gsis[0]
        self.assertTrue(GSI_MEMBERS <= set(gsi) <= GSI_MEMBERS | GSI_OPTIONAL, gsi)
        self.assertNotIn("Backfilling", gsi)      # absent for an index created with its table (AWS probes)
        self.assertEqual(gsi["IndexName"], "by_owner")
        self.assertEqual(gsi["IndexArn"], f"{arn}/index/by_owner")
        self.assertEqual(gsi["IndexStatus"], status)
        self.assertEqual(gsi["KeySchema"], key_schema("owner", "created"))
        # PAY_PER_REQUEST: zero throughput, as DynamoDB shows it
        self.assertEqual(gsi["ProvisionedThroughput"],
                         {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
        self.assertEqual(gsi["OnDemandThroughput"], {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50})
        self.assertIsInstance(gsi["IndexSizeBytes"], int)
        self.assertIsInstance(gsi["ItemCount"], int)
        # NonKeyAttributes come back sorted by name (AWS probes)
        self.assertEqual(gsi["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["album", "title"]})

    def test_create_answer_and_describe(self):
        self.check_description(self.created, "ACTIVE" if self.created["TableStatus"] == "ACTIVE" else "CREATING")
        described = raw("DescribeTable", {"TableName": self.TABLE})[1]["Table"]
        self.assertEqual(described["TableStatus"], "ACTIVE")
        self.check_description(described, "ACTIVE")
        self.assertEqual(raw("DescribeTable", {"TableName": self.TABLE})[1]["Table"]["GlobalSecondaryIndexes"],
                         described["GlobalSecondaryIndexes"])

    # --- Query on an LSI ----------------------------------------------------

    def test_query_lsi_key_condition_and_order(self):
        got = self.query(IndexName="by_date", KeyConditionExpression="pk = :p AND #d BETWEEN :a AND :b",
                         ExpressionAttributeNames={"#d": "date"},
                         ExpressionAttributeValues={":p": S("p1"), ":a": S("2024-01-02"), ":b": S("2024-01-07")})
        expected = [i for i in self.items if i["pk"] == S("p1") and "date" in i
                    and "2024-01-02" <= i["date"]["S"] <= "2024-01-07"]
        self.assertEqual([i["date"]["S"] for i in got["Items"]], sorted(i["date"]["S"] for i in expected))
        self.assertEqual(got["Items"][0], expected[0])          # ALL: the whole item
        self.assertEqual(got["Count"], len(expected))
        backwards = self.query(IndexName="by_date", KeyConditionExpression="pk = :p",
                               ExpressionAttributeValues={":p": S("p1")}, ScanIndexForward=False)
        dates = [i["date"]["S"] for i in backwards["Items"]]
        self.assertEqual(dates, sorted(dates, reverse=True))
        self.assertEqual(len(dates), len([i for i in self.items if i["pk"] == S("p1") and "date" in i]))  # sparse

    def test_query_lsi_number_sort_key_filter_and_projection(self):
        got = self.query(IndexName="by_rank", KeyConditionExpression="pk = :p AND #r < :r",
                         FilterExpression="n >= :n", ProjectionExpression="sk, title, n",
                         ExpressionAttributeNames={"#r": "rank"},
                         ExpressionAttributeValues={":p": S("p1"), ":r": N(97), ":n": N(5)},
                         ConsistentRead=True)      # strongly consistent reads are allowed on an LSI
        # rank = 100 - i: ranks below 97 are items 4..7 of p1, ascending rank = descending i; filter n >= 5
        self.assertEqual(got["Items"], [{"sk": S(f"s{i:02}"), "title": S(f"title {i}"), "n": N(i)}
                                        for i in (7, 6, 5)])
        self.assertEqual(got["ScannedCount"], 4)
        self.assertEqual(got["Count"], 3)

    def test_select_on_lsi(self):
        request = dict(IndexName="by_rank", KeyConditionExpression="pk = :p",
                       ExpressionAttributeValues={":p": S("p2")})
        p2 = sorted((i for i in self.items if i["pk"] == S("p2")), key=lambda i: int(i["rank"]["N"]))
        keys_only = [{"pk": i["pk"], "sk": i["sk"], "rank": i["rank"]} for i in p2]
        # the default for an index is ALL_PROJECTED_ATTRIBUTES
        self.assertEqual(self.query(**request)["Items"], keys_only)
        self.assertEqual(self.query(Select="ALL_PROJECTED_ATTRIBUTES", **request)["Items"], keys_only)
        # an LSI fetches what it does not project from the table
        self.assertEqual(self.query(Select="ALL_ATTRIBUTES", **request)["Items"], p2)
        self.assertEqual(self.query(ProjectionExpression="body, #r", ExpressionAttributeNames={"#r": "rank"},
                                    **request)["Items"],
                         [{"body": i["body"], "rank": i["rank"]} for i in p2])
        counted = self.query(Select="COUNT", **request)
        self.assertNotIn("Items", counted)
        self.assertEqual(counted["Count"], len(p2))

    # --- Query on a GSI -----------------------------------------------------

    def owned(self, owner):
        return sorted((i for i in self.items if i.get("owner") == S(owner)), key=lambda i: int(i["created"]["N"]))

    def projected(self, item):
        return {k: v for k, v in item.items() if k in ("pk", "sk", "owner", "created", "title", "album")}

    def test_query_gsi(self):
        got = self.query(IndexName="by_owner", KeyConditionExpression="#o = :o AND created > :c",
                         ExpressionAttributeNames={"#o": "owner"},
                         ExpressionAttributeValues={":o": S("alice"), ":c": N(1002)})
        expected = [self.projected(i) for i in self.owned("alice") if int(i["created"]["N"]) > 1002]
        self.assertEqual(got["Items"], expected)     # INCLUDE: keys of table and index, title, album
        self.assertEqual(self.query(IndexName="by_owner", Select="ALL_PROJECTED_ATTRIBUTES",
                                    KeyConditionExpression="#o = :o AND created > :c",
                                    ExpressionAttributeNames={"#o": "owner"},
                                    ExpressionAttributeValues={":o": S("alice"), ":c": N(1002)})["Items"],
                         expected)
        backwards = self.query(IndexName="by_owner", KeyConditionExpression="#o = :o",
                               ExpressionAttributeNames={"#o": "owner"},
                               ExpressionAttributeValues={":o": S("bob"), ":a": S("album 1")},
                               ScanIndexForward=False, FilterExpression="album = :a",
                               ProjectionExpression="sk, album")
        expected = [{"sk": i["sk"], "album": i["album"]} for i in reversed(self.owned("bob"))
                    if i["album"] == S("album 1")]
        self.assertTrue(expected)
        self.assertEqual(backwards["Items"], expected)
        self.assertEqual(backwards["ScannedCount"], len(self.owned("bob")))

    def test_gsi_refusals(self):
        request = dict(IndexName="by_owner", KeyConditionExpression="#o = :o",
                       ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": S("bob")})
        self.assert_error("ValidationException", ALL_ATTRIBUTES.format("by_owner"),
                          self.query, Select="ALL_ATTRIBUTES", **request)
        self.assert_error("ValidationException", GSI_CONSISTENT, self.query, ConsistentRead=True, **request)
        self.assert_error("ValidationException", GSI_CONSISTENT, self.ddb.scan, TableName=self.TABLE,
                          IndexName="by_owner", ConsistentRead=True)
        # a key condition on the table's key, not the index's
        self.assert_error("ValidationException", MISSED_KEY.format("owner"), self.query, IndexName="by_owner",
                          KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p1")})
        self.assert_error("ValidationException", MISSED_KEY.format("date"), self.query, IndexName="by_date",
                          KeyConditionExpression="pk = :p AND sk = :s",
                          ExpressionAttributeValues={":p": S("p1"), ":s": S("s01")})
        # an index the table does not have
        for name in ("nope", "by_Owner"):
            self.assert_error("ValidationException", NO_INDEX.format(name), self.query, IndexName=name,
                              KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p1")})
            self.assert_error("ValidationException", NO_INDEX.format(name), self.ddb.scan,
                              TableName=self.TABLE, IndexName=name)
        # an attribute the GSI does not project: DynamoDB refuses it (the message is not asserted: not confirmed)
        self.assert_error("ValidationException", None, self.query, ProjectionExpression="body", **request)

    def test_pages_of_index_queries(self):
        items, pages = query_all(self.ddb, TableName=self.TABLE, IndexName="by_owner", Limit=2,
                                 KeyConditionExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                                 ExpressionAttributeValues={":o": S("alice")})
        self.assertEqual(items, [self.projected(i) for i in self.owned("alice")])
        self.assertGreaterEqual(pages, len(items) // 2)
        first = self.query(IndexName="by_owner", Limit=2, KeyConditionExpression="#o = :o",
                           ExpressionAttributeNames={"#o": "owner"}, ExpressionAttributeValues={":o": S("alice")})
        last = self.owned("alice")[1]
        # LastEvaluatedKey: the index keys and the table keys
        self.assertEqual(first["LastEvaluatedKey"],
                         {"owner": S("alice"), "created": last["created"], "pk": last["pk"], "sk": last["sk"]})
        lsi = self.query(IndexName="by_date", Limit=3, KeyConditionExpression="pk = :p",
                         ExpressionAttributeValues={":p": S("p1")})
        third = lsi["Items"][2]
        self.assertEqual(lsi["LastEvaluatedKey"], {"pk": S("p1"), "sk": third["sk"], "date": third["date"]})
        items, _ = query_all(self.ddb, TableName=self.TABLE, IndexName="by_date", Limit=3,
                             KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": S("p1")})
        self.assertEqual([i["date"] for i in items],
                         sorted((i["date"] for i in self.items if i["pk"] == S("p1") and "date" in i),
                                key=lambda d: d["S"]))

    # --- Scan on an index ---------------------------------------------------

    def test_scan_index_and_segments(self):
        in_gsi = [self.projected(i) for i in self.items if "owner" in i]
        items, _ = query_all(self.ddb, _op="scan", TableName=self.TABLE, IndexName="by_owner")
        self.assertEqual(keys_of(items, "pk", "sk"), keys_of(in_gsi, "pk", "sk"))
        self.assertEqual(canonical(items), canonical(in_gsi))
        segments = []
        for segment in range(3):
            part, _ = query_all(self.ddb, _op="scan", TableName=self.TABLE, IndexName="by_owner",
                                Segment=segment, TotalSegments=3, Limit=2)
            segments += part
        self.assertEqual(keys_of(segments, "pk", "sk"), keys_of(in_gsi, "pk", "sk"))   # each once
        page = self.ddb.scan(TableName=self.TABLE, IndexName="by_owner", Limit=1)
        self.assertEqual(set(page["LastEvaluatedKey"]), {"owner", "created", "pk", "sk"})
        page = self.ddb.scan(TableName=self.TABLE, IndexName="by_rank", Limit=1)
        self.assertEqual(set(page["LastEvaluatedKey"]), {"pk", "sk", "rank"})
        rest, _ = query_all(self.ddb, _op="scan", TableName=self.TABLE, IndexName="by_rank",
                            ExclusiveStartKey=page["LastEvaluatedKey"])
        self.assertEqual(len(page["Items"]) + len(rest), len(self.items))
        lsi, _ = query_all(self.ddb, _op="scan", TableName=self.TABLE, IndexName="by_rank",
                           FilterExpression="#r > :r", ExpressionAttributeNames={"#r": "rank"},
                           ExpressionAttributeValues={":r": N(95)})
        self.assertEqual(canonical(lsi), canonical({"pk": i["pk"], "sk": i["sk"], "rank": i["rank"]}
                                                   for i in self.items if int(i["rank"]["N"]) > 95))
        self.assertEqual(self.ddb.scan(TableName=self.TABLE, IndexName="by_rank", Select="ALL_PROJECTED_ATTRIBUTES",
                                       Limit=1)["Items"][0].keys(), {"pk", "sk", "rank"})
        self.assertEqual(self.ddb.scan(TableName=self.TABLE, IndexName="by_date", Select="COUNT")["Count"],
                         len([i for i in self.items if "date" in i]))


class IndexMaintenance(IndexCase):
    """Writes keep the indexes of WireIdxW up to date, and wrong index keys are refused."""

    TABLE = "WireIdxW"

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        drop_table(cls.ddb, cls.TABLE)
        cls.ddb.create_table(
            TableName=cls.TABLE, KeySchema=key_schema("pk", "sk"),
            AttributeDefinitions=attribute_definitions(pk="S", sk="N", lk="S", g="S", gs="N", bin="B"),
            LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "lk"),
                                    "Projection": projection("KEYS_ONLY")}],
            GlobalSecondaryIndexes=[
                {"IndexName": "gsi", "KeySchema": key_schema("g", "gs"), "Projection": projection("ALL")},
                {"IndexName": "gsi_bin", "KeySchema": key_schema("bin"), "Projection": projection("KEYS_ONLY")},
            ],
            BillingMode="PAY_PER_REQUEST")

    @classmethod
    def tearDownClass(cls):
        drop_table(cls.ddb, cls.TABLE)

    def in_gsi(self, g):
        return self.ddb.query(TableName=self.TABLE, IndexName="gsi", KeyConditionExpression="g = :g",
                              ExpressionAttributeValues={":g": S(g)})["Items"]

    def in_lsi(self, pk):
        return self.ddb.query(TableName=self.TABLE, IndexName="lsi", KeyConditionExpression="pk = :p",
                              ExpressionAttributeValues={":p": S(pk)})["Items"]

    def test_update_moves_and_remove_leaves(self):
        key = {"pk": S("move"), "sk": N(1)}
        self.ddb.put_item(TableName=self.TABLE, Item={**key, "g": S("red"), "gs": N(5), "lk": S("a"), "v": N(1)})
        self.assertEqual(self.in_gsi("red"), [{**key, "g": S("red"), "gs": N(5), "lk": S("a"), "v": N(1)}])
        self.assertEqual(self.in_lsi("move"), [{**key, "lk": S("a")}])
        # a change of a projected non-key attribute reaches the ALL index
        self.ddb.update_item(TableName=self.TABLE, Key=key, UpdateExpression="SET v = :v",
                             ExpressionAttributeValues={":v": N(2)})
        self.assertEqual(self.in_gsi("red")[0]["v"], N(2))
        # the index key changes: the item moves
        self.ddb.update_item(TableName=self.TABLE, Key=key, UpdateExpression="SET g = :g, lk = :l",
                             ExpressionAttributeValues={":g": S("blue"), ":l": S("b")})
        self.assertEqual(self.in_gsi("red"), [])
        self.assertEqual([i["pk"] for i in self.in_gsi("blue")], [S("move")])
        self.assertEqual(self.in_lsi("move"), [{**key, "lk": S("b")}])
        # REMOVE of an index key attribute: the item leaves that index only
        self.ddb.update_item(TableName=self.TABLE, Key=key, UpdateExpression="REMOVE gs")
        self.assertEqual(self.in_gsi("blue"), [])
        self.assertEqual(len(self.in_lsi("move")), 1)
        self.ddb.update_item(TableName=self.TABLE, Key=key, UpdateExpression="REMOVE lk SET gs = :s",
                             ExpressionAttributeValues={":s": N(7)})
        self.assertEqual(self.in_lsi("move"), [])
        self.assertEqual([i["gs"] for i in self.in_gsi("blue")], [N(7)])
        # a PutItem that replaces the item without the index key, then DeleteItem
        self.ddb.put_item(TableName=self.TABLE, Item={**key, "lk": S("c")})
        self.assertEqual(self.in_gsi("blue"), [])
        self.assertEqual(self.in_lsi("move"), [{**key, "lk": S("c")}])
        self.ddb.delete_item(TableName=self.TABLE, Key=key)
        self.assertEqual(self.in_lsi("move"), [])

    def test_equal_index_keys(self):
        for i in range(3):
            self.ddb.put_item(TableName=self.TABLE, Item={"pk": S("same"), "sk": N(i), "g": S("twin"), "gs": N(1)})
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in self.in_gsi("twin")), [0, 1, 2])
        items, _ = query_all(self.ddb, TableName=self.TABLE, IndexName="gsi", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": S("twin")}, Limit=1)
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in items), [0, 1, 2])

    def test_batch_write_maintains_indexes(self):
        self.ddb.batch_write_item(RequestItems={self.TABLE: [
            {"PutRequest": {"Item": {"pk": S("batch"), "sk": N(i), "g": S("batched"), "gs": N(i), "lk": S(f"l{i}")}}}
            for i in range(20)]})
        self.assertEqual(len(self.in_gsi("batched")), 20)
        self.assertEqual(len(self.in_lsi("batch")), 20)
        self.ddb.batch_write_item(RequestItems={self.TABLE: [
            {"DeleteRequest": {"Key": {"pk": S("batch"), "sk": N(i)}}} for i in range(0, 20, 2)] + [
            {"PutRequest": {"Item": {"pk": S("batch"), "sk": N(i), "g": S("rebatched"), "gs": N(i)}}}
            for i in range(1, 6, 2)]})
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in self.in_gsi("batched")), list(range(7, 20, 2)))
        self.assertEqual(sorted(int(i["sk"]["N"]) for i in self.in_gsi("rebatched")), [1, 3, 5])
        self.assertEqual(sorted(i["lk"]["S"] for i in self.in_lsi("batch")), sorted(f"l{i}" for i in range(7, 20, 2)))

    def test_wrong_index_keys_refused(self):
        key = {"pk": S("bad"), "sk": N(1)}
        put = lambda **attrs: self.ddb.put_item(TableName=self.TABLE, Item={**key, **attrs})
        self.assert_error("ValidationException", TYPE_MISMATCH.format("g", "S", "N", "gsi"), put, g=N(1))
        self.assert_error("ValidationException", TYPE_MISMATCH.format("gs", "N", "S", "gsi"), put, g=S("x"), gs=S("1"))
        self.assert_error("ValidationException", TYPE_MISMATCH.format("lk", "S", "BOOL", "lsi"), put, lk={"BOOL": True})
        self.assert_error("ValidationException", TYPE_MISMATCH.format("lk", "S", "SS", "lsi"), put, lk={"SS": ["a"]})
        self.assert_error("ValidationException", TYPE_MISMATCH.format("bin", "B", "S", "gsi_bin"), put, bin=S("b"))
        self.assert_error("ValidationException", EMPTY_KEY.format("string", "gsi", "g"), put, g=S(""))
        self.assert_error("ValidationException", EMPTY_KEY.format("string", "lsi", "lk"), put, lk=S(""))
        self.assert_error("ValidationException", EMPTY_KEY.format("binary", "gsi_bin", "bin"), put, bin={"B": b""})
        # the same through UpdateItem and BatchWriteItem; nothing was written
        self.assert_error("ValidationException", TYPE_MISMATCH.format("g", "S", "N", "gsi"),
                          self.ddb.update_item, TableName=self.TABLE, Key=key, UpdateExpression="SET g = :g",
                          ExpressionAttributeValues={":g": N(3)})
        self.assert_error("ValidationException", EMPTY_KEY.format("string", "gsi", "g"),
                          self.ddb.update_item, TableName=self.TABLE, Key=key, UpdateExpression="SET g = :g",
                          ExpressionAttributeValues={":g": S("")})
        self.assert_error("ValidationException", TYPE_MISMATCH.format("gs", "N", "S", "gsi"),
                          self.ddb.batch_write_item, RequestItems={self.TABLE: [
                              {"PutRequest": {"Item": {"pk": S("bad"), "sk": N(2), "gs": S("x")}}}]})
        self.assertNotIn("Item", self.ddb.get_item(TableName=self.TABLE, Key=key))
        self.assertNotIn("Item", self.ddb.get_item(TableName=self.TABLE, Key={"pk": S("bad"), "sk": N(2)}))
        # a non-key attribute of any type is fine, and so is a missing index key
        put(v=S(""), other={"BOOL": True})
        self.assertIn("Item", self.ddb.get_item(TableName=self.TABLE, Key=key))

    def test_item_collection_metrics(self):
        """A table with an LSI answers ReturnItemCollectionMetrics SIZE."""
        def metrics(pk):
            return {"ItemCollectionKey": {"pk": S(pk)}, "SizeEstimateRangeGB": [0.0, 1.0]}
        key = {"pk": S("icm"), "sk": N(1)}
        got = self.ddb.put_item(TableName=self.TABLE, Item={**key, "lk": S("x")}, ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(got["ItemCollectionMetrics"], metrics("icm"))
        got = self.ddb.update_item(TableName=self.TABLE, Key=key, UpdateExpression="SET v = :v",
                                   ExpressionAttributeValues={":v": N(1)}, ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(got["ItemCollectionMetrics"], metrics("icm"))
        got = self.ddb.delete_item(TableName=self.TABLE, Key=key, ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(got["ItemCollectionMetrics"], metrics("icm"))
        got = self.ddb.put_item(TableName=self.TABLE, Item=key, ReturnItemCollectionMetrics="NONE")
        self.assertNotIn("ItemCollectionMetrics", got)
        got = self.ddb.batch_write_item(RequestItems={self.TABLE: [
            {"PutRequest": {"Item": {"pk": S("icm"), "sk": N(2)}}},
            {"PutRequest": {"Item": {"pk": S("icm2"), "sk": N(1)}}}]}, ReturnItemCollectionMetrics="SIZE")
        self.assertEqual(list(got["ItemCollectionMetrics"]), [self.TABLE])
        self.assertEqual(canonical(got["ItemCollectionMetrics"][self.TABLE]),
                         canonical([metrics("icm"), metrics("icm2")]))


class Projections(IndexCase):
    """WireIdxProj: one GSI of each projection type, PROVISIONED."""

    TABLE = "WireIdxProj"
    ITEM = {"pk": S("p"), "g": S("k"), "a": S("in"), "b": N(2), "m": {"M": {"x": {"L": [S("y")]}}}}

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        drop_table(cls.ddb, cls.TABLE)
        cls.ddb.create_table(
            TableName=cls.TABLE, KeySchema=key_schema("pk"),
            AttributeDefinitions=attribute_definitions(pk="S", g="S"),
            GlobalSecondaryIndexes=[
                {"IndexName": name, "KeySchema": key_schema("g"), "Projection": proj,
                 "ProvisionedThroughput": {"ReadCapacityUnits": 3 + n, "WriteCapacityUnits": 2 + n}}
                for n, (name, proj) in enumerate([("keys", projection("KEYS_ONLY")),
                                                  ("incl", projection("INCLUDE", "a", "zz")),
                                                  ("all", projection("ALL"))])],
            ProvisionedThroughput={"ReadCapacityUnits": 100, "WriteCapacityUnits": 100})
        cls.ddb.put_item(TableName=cls.TABLE, Item=cls.ITEM)

    @classmethod
    def tearDownClass(cls):
        drop_table(cls.ddb, cls.TABLE)

    def test_each_projection_returns_exactly_its_attributes(self):
        expected = {"keys": {"pk": S("p"), "g": S("k")},
                    "incl": {"pk": S("p"), "g": S("k"), "a": S("in")},
                    "all": self.ITEM}
        for name, item in expected.items():
            with self.subTest(index=name):
                got = self.ddb.query(TableName=self.TABLE, IndexName=name, KeyConditionExpression="g = :g",
                                     ExpressionAttributeValues={":g": S("k")})
                self.assertEqual(got["Items"], [item])
                scanned = self.ddb.scan(TableName=self.TABLE, IndexName=name)["Items"]
                self.assertEqual([i for i in scanned if i["g"] == S("k")], [item])   # other tests add "cc" items
        self.assert_error("ValidationException", ALL_ATTRIBUTES.format("keys"), self.ddb.query, TableName=self.TABLE,
                          IndexName="keys", Select="ALL_ATTRIBUTES", KeyConditionExpression="g = :g",
                          ExpressionAttributeValues={":g": S("k")})
        self.assert_error("ValidationException", ALL_ATTRIBUTES.format("incl"), self.ddb.scan, TableName=self.TABLE,
                          IndexName="incl", Select="ALL_ATTRIBUTES")
        got = self.ddb.query(TableName=self.TABLE, IndexName="all", Select="ALL_ATTRIBUTES",
                             KeyConditionExpression="g = :g", ExpressionAttributeValues={":g": S("k")})
        self.assertEqual(got["Items"], [self.ITEM])

    def test_provisioned_throughput_of_each_index(self):
        table = raw("DescribeTable", {"TableName": self.TABLE})[1]["Table"]
        gsis = table["GlobalSecondaryIndexes"]
        self.assertEqual([g["IndexName"] for g in gsis], ["keys", "incl", "all"])
        for n, gsi in enumerate(gsis):
            self.assertTrue(GSI_MEMBERS <= set(gsi) <= GSI_MEMBERS | {"WarmThroughput"}, gsi)
            self.assertEqual(gsi["ProvisionedThroughput"],
                             {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 3 + n, "WriteCapacityUnits": 2 + n})
        self.assertEqual(gsis[1]["Projection"], {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "zz"]})
        self.assertNotIn("LocalSecondaryIndexes", table)

    def test_consumed_capacity_indexes(self):
        got = self.ddb.put_item(TableName=self.TABLE, Item={"pk": S("cc"), "g": S("cc")},
                                ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
        # a small write: one unit on the table and one on each index it enters
        self.assertEqual(got, {"TableName": self.TABLE, "CapacityUnits": 4.0, "Table": {"CapacityUnits": 1.0},
                               "GlobalSecondaryIndexes": {"keys": {"CapacityUnits": 1.0},
                                                          "incl": {"CapacityUnits": 1.0},
                                                          "all": {"CapacityUnits": 1.0}}})
        got = self.ddb.put_item(TableName=self.TABLE, Item={"pk": S("cc2")},
                                ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
        self.assertEqual(got["CapacityUnits"], 1.0)            # in no index: the table alone
        self.assertEqual(got["Table"], {"CapacityUnits": 1.0})
        self.assertFalse(got.get("GlobalSecondaryIndexes"))
        got = self.ddb.put_item(TableName=self.TABLE, Item={"pk": S("cc"), "g": S("cc")},
                                ReturnConsumedCapacity="TOTAL")["ConsumedCapacity"]
        self.assertEqual(set(got), {"TableName", "CapacityUnits"})
        got = self.ddb.query(TableName=self.TABLE, IndexName="incl", KeyConditionExpression="g = :g",
                             ExpressionAttributeValues={":g": S("k")}, ReturnConsumedCapacity="INDEXES")
        cc = got["ConsumedCapacity"]
        self.assertEqual(cc["TableName"], self.TABLE)
        self.assertEqual(cc["CapacityUnits"], 0.5)             # eventually consistent, one small item
        self.assertEqual(cc["GlobalSecondaryIndexes"], {"incl": {"CapacityUnits": 0.5}})
        self.assertEqual(cc.get("Table", {"CapacityUnits": 0.0}), {"CapacityUnits": 0.0})
        self.assertNotIn("LocalSecondaryIndexes", cc)
        # no ItemCollectionMetrics without an LSI
        got = self.ddb.put_item(TableName=self.TABLE, Item={"pk": S("icm")}, ReturnItemCollectionMetrics="SIZE")
        self.assertNotIn("ItemCollectionMetrics", got)

    def test_lsi_consumed_capacity(self):
        ddb = self.ddb
        drop_table(ddb, "WireIdxCap")
        ddb.create_table(TableName="WireIdxCap", KeySchema=key_schema("pk", "sk"),
                         AttributeDefinitions=attribute_definitions(pk="S", sk="S", l="S"),
                         LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "l"),
                                                 "Projection": projection("ALL")}],
                         BillingMode="PAY_PER_REQUEST")
        try:
            got = ddb.put_item(TableName="WireIdxCap", Item={"pk": S("a"), "sk": S("b"), "l": S("c")},
                               ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
            self.assertEqual(set(got), {"TableName", "CapacityUnits", "Table", "LocalSecondaryIndexes"})
            self.assertEqual(got["Table"], {"CapacityUnits": 1.0})
            self.assertEqual(got["LocalSecondaryIndexes"], {"lsi": {"CapacityUnits": 1.0}})
            self.assertEqual(got["CapacityUnits"], 2.0)
            got = ddb.query(TableName="WireIdxCap", IndexName="lsi", KeyConditionExpression="pk = :p",
                            ExpressionAttributeValues={":p": S("a")}, ConsistentRead=True,
                            ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
            self.assertEqual(got["LocalSecondaryIndexes"], {"lsi": {"CapacityUnits": 1.0}})
            self.assertEqual(got["CapacityUnits"], 1.0)
        finally:
            drop_table(ddb, "WireIdxCap")


class MultiAttributeKeys(IndexCase):
    """A GSI key of several HASH and RANGE attributes (DynamoDB, November 2025): up to four of each."""

    TABLE = "WireIdxMulti"

    def test_multi_attribute_gsi_key(self):
        ddb = client()
        drop_table(ddb, self.TABLE)
        keys = [{"AttributeName": "tenant", "KeyType": "HASH"}, {"AttributeName": "region", "KeyType": "HASH"},
                {"AttributeName": "year", "KeyType": "RANGE"}, {"AttributeName": "month", "KeyType": "RANGE"}]
        # raw: Debian's botocore allows two KeySchema elements at most
        status, body = raw("CreateTable", dict(
            TableName=self.TABLE, KeySchema=key_schema("pk"), BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=attribute_definitions(pk="S", tenant="S", region="S", year="N", month="N"),
            GlobalSecondaryIndexes=[{"IndexName": "by_period", "KeySchema": keys, "Projection": projection("ALL")}]))
        self.assertEqual(status, 200, body)
        try:
            described = raw("DescribeTable", {"TableName": self.TABLE})[1]["Table"]
            self.assertEqual(described["GlobalSecondaryIndexes"][0]["KeySchema"], keys)   # in the order given
            for i in range(12):
                ddb.put_item(TableName=self.TABLE, Item={"pk": S(f"p{i}"), "tenant": S("t1"),
                                                         "region": S("eu" if i % 2 else "us"),
                                                         "year": N(2024 + i // 6), "month": N(i % 6 + 1)})
            got = ddb.query(TableName=self.TABLE, IndexName="by_period",
                            KeyConditionExpression="tenant = :t AND #r = :r AND #y = :y AND #m >= :m",
                            ExpressionAttributeNames={"#r": "region", "#y": "year", "#m": "month"},
                            ExpressionAttributeValues={":t": S("t1"), ":r": S("eu"), ":y": N(2024), ":m": N(3)})
            self.assertEqual([(i["year"]["N"], i["month"]["N"]) for i in got["Items"]], [("2024", "4"), ("2024", "6")])
            got = ddb.query(TableName=self.TABLE, IndexName="by_period", Limit=2,
                            KeyConditionExpression="tenant = :t AND #r = :r",
                            ExpressionAttributeNames={"#r": "region"},
                            ExpressionAttributeValues={":t": S("t1"), ":r": S("us")})
            self.assertEqual([(i["year"]["N"], i["month"]["N"]) for i in got["Items"]], [("2024", "1"), ("2024", "3")])
            self.assertEqual(set(got["LastEvaluatedKey"]), {"pk", "tenant", "region", "year", "month"})
            # every HASH attribute needs an equality condition (the message is not confirmed: not asserted)
            self.assert_error("ValidationException", None, ddb.query, TableName=self.TABLE, IndexName="by_period",
                              KeyConditionExpression="tenant = :t", ExpressionAttributeValues={":t": S("t1")})
            # an item without one of the key attributes is not in the index
            ddb.put_item(TableName=self.TABLE, Item={"pk": S("partial"), "tenant": S("t1"), "region": S("eu"),
                                                     "year": N(2024)})
            self.assertEqual(ddb.scan(TableName=self.TABLE, IndexName="by_period", Select="COUNT")["Count"], 12)
        finally:
            drop_table(ddb, self.TABLE)


class OnlineIndexes(IndexCase):
    """UpdateTable adds a GSI to a table with data (backfill) and deletes one."""

    TABLE = "WireIdxFill"
    ITEMS = 3000

    @classmethod
    def setUpClass(cls):
        cls.ddb = client()
        drop_table(cls.ddb, cls.TABLE)
        cls.ddb.create_table(TableName=cls.TABLE, KeySchema=key_schema("pk"),
                             AttributeDefinitions=attribute_definitions(pk="S", old="S"),
                             GlobalSecondaryIndexes=[{"IndexName": "old_gsi", "KeySchema": key_schema("old"),
                                                      "Projection": projection("KEYS_ONLY")}],
                             BillingMode="PAY_PER_REQUEST")
        requests = []
        for i in range(cls.ITEMS):
            item = {"pk": S(f"item{i:05}"), "n": N(i), "old": S("o")}
            if i % 10 == 0:
                pass                                  # sparse: no cat
            elif i % 97 == 0:
                item["cat"] = N(i)                    # the wrong type for the index to come: left out of it
            else:
                item["cat"] = S(f"c{i % 7}")
            requests.append({"PutRequest": {"Item": item}})
        for start in range(0, len(requests), 25):
            left = {cls.TABLE: requests[start:start + 25]}
            while left:
                left = cls.ddb.batch_write_item(RequestItems=left)["UnprocessedItems"]

    @classmethod
    def tearDownClass(cls):
        drop_table(cls.ddb, cls.TABLE)

    def gsi(self, name):
        table = self.ddb.describe_table(TableName=self.TABLE)["Table"]
        return next((g for g in table.get("GlobalSecondaryIndexes", []) if g["IndexName"] == name), None)

    def wait_for(self, name, condition, seconds=30):
        deadline = time.time() + seconds
        while time.time() < deadline:
            gsi = self.gsi(name)
            if condition(gsi):
                return gsi
            time.sleep(0.1)
        self.fail(f"index {name} did not get there: {self.gsi(name)}")

    def expected(self, cat):
        return sorted(f"item{i:05}" for i in range(self.ITEMS) if i % 10 != 0 and i % 97 != 0 and i % 7 == int(cat[1:]))

    def test_1_add_index_to_table_with_data(self):
        ddb = self.ddb
        answer = ddb.update_table(
            TableName=self.TABLE, AttributeDefinitions=attribute_definitions(pk="S", cat="S"),
            GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by_cat", "KeySchema": key_schema("cat", "pk"),
                                                     "Projection": projection("INCLUDE", "n")}}])
        table = answer["TableDescription"]
        gsi = next(g for g in table["GlobalSecondaryIndexes"] if g["IndexName"] == "by_cat")
        self.assertEqual(gsi["IndexStatus"], "CREATING")
        self.assertIn("Backfilling", gsi)           # present only while an added index is CREATING
        self.assertEqual(gsi["IndexArn"], f"{table['TableArn']}/index/by_cat")
        self.assertEqual(gsi["KeySchema"], key_schema("cat", "pk"))
        self.assertIn({"AttributeName": "cat", "AttributeType": "S"}, table["AttributeDefinitions"])
        # the table stays writable; a write made now reaches the index
        ddb.put_item(TableName=self.TABLE, Item={"pk": S("late"), "cat": S("c3"), "n": N(-1)})
        # a second create or delete while this one runs
        try:
            ddb.update_table(TableName=self.TABLE, AttributeDefinitions=attribute_definitions(n="N"),
                             GlobalSecondaryIndexUpdates=[{"Create": {"IndexName": "by_n", "KeySchema": key_schema("n"),
                                                                      "Projection": projection("KEYS_ONLY")}}])
            self.assertEqual(self.gsi("by_cat")["IndexStatus"], "ACTIVE")   # only once the first is done
            self.wait_for("by_n", lambda gsi: gsi["IndexStatus"] == "ACTIVE")
            ddb.update_table(TableName=self.TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by_n"}}])
            self.wait_for("by_n", lambda gsi: gsi is None)
        except ClientError as failed:
            self.assertEqual(failed.response["Error"]["Code"], "LimitExceededException")
            self.assertEqual(failed.response["Error"]["Message"], ONE_ONLINE_INDEX)
        # while CREATING (a fast backfill may be over before the first look): Backfilling shows, and a
        # read of the index is refused
        deadline = time.time() + 60
        while True:
            gsi = self.gsi("by_cat")
            if gsi["IndexStatus"] != "CREATING":
                break
            self.assertLess(time.time(), deadline, "the backfill of 3000 items takes over a minute")
            self.assertIn("Backfilling", gsi)
            try:
                ddb.query(TableName=self.TABLE, IndexName="by_cat", KeyConditionExpression="cat = :c",
                          ExpressionAttributeValues={":c": S("c1")})
            except ClientError as failed:
                self.assertEqual(failed.response["Error"]["Code"], "ValidationException")
                self.assertEqual(failed.response["Error"]["Message"], BACKFILLING.format("by_cat"))
            time.sleep(0.05)
        self.assertEqual(gsi["IndexStatus"], "ACTIVE")
        self.assertNotIn("Backfilling", gsi)        # gone once ACTIVE (AWS probes), not false
        for cat in ("c1", "c3"):
            items, _ = query_all(ddb, TableName=self.TABLE, IndexName="by_cat", KeyConditionExpression="cat = :c",
                                 ExpressionAttributeValues={":c": S(cat)})
            expected = self.expected(cat) + (["late"] if cat == "c3" else [])
            self.assertEqual(sorted(i["pk"]["S"] for i in items), sorted(expected))
            self.assertEqual(set(items[0]), {"pk", "cat", "n"})
        # the index holds every item with a string cat, no more
        total = sum(len(self.expected(f"c{c}")) for c in range(7)) + 1
        count = 0
        request = dict(TableName=self.TABLE, IndexName="by_cat", Select="COUNT")
        while True:
            page = ddb.scan(**request)
            count += page["Count"]
            if "LastEvaluatedKey" not in page:
                break
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        self.assertEqual(count, total)
        # the wrongly typed items are still in the table; from now on such a write is refused
        self.assertEqual(ddb.get_item(TableName=self.TABLE, Key={"pk": S("item00097")})["Item"]["cat"], N(97))
        self.assert_error("ValidationException", TYPE_MISMATCH.format("cat", "S", "N", "by_cat"), ddb.put_item,
                          TableName=self.TABLE, Item={"pk": S("item00097"), "cat": N(97)})

    def test_2_update_table_errors(self):
        ddb = self.ddb
        create = lambda name, attribute: {"Create": {"IndexName": name, "KeySchema": key_schema(attribute),
                                                     "Projection": projection("KEYS_ONLY")}}
        self.assert_error("LimitExceededException", ONE_ONLINE_INDEX, ddb.update_table, TableName=self.TABLE,
                          AttributeDefinitions=attribute_definitions(x="S", y="S"),
                          GlobalSecondaryIndexUpdates=[create("by_x", "x"), create("by_y", "y")])
        self.assert_error("LimitExceededException", ONE_ONLINE_INDEX, ddb.update_table, TableName=self.TABLE,
                          AttributeDefinitions=attribute_definitions(x="S"),
                          GlobalSecondaryIndexUpdates=[create("by_x", "x"), {"Delete": {"IndexName": "old_gsi"}}])
        on_demand = {"MaxReadRequestUnits": 10}
        self.assert_raw_error("ValidationException", ONE_UPDATE_PER_INDEX.format("old_gsi"), "UpdateTable", dict(
            TableName=self.TABLE, GlobalSecondaryIndexUpdates=[
                {"Delete": {"IndexName": "old_gsi"}},
                {"Update": {"IndexName": "old_gsi", "OnDemandThroughput": on_demand}}]))
        self.assert_raw_error("ResourceNotFoundException", UNKNOWN_INDEX.format("nope", self.TABLE), "UpdateTable",
                              dict(TableName=self.TABLE, GlobalSecondaryIndexUpdates=[
                                  {"Update": {"IndexName": "nope", "OnDemandThroughput": on_demand}}]))
        # (inferred: the probes recorded this message for an Update; a Delete is taken to answer alike)
        self.assert_error("ResourceNotFoundException", UNKNOWN_INDEX.format("nope", self.TABLE), ddb.update_table,
                          TableName=self.TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "nope"}}])
        self.assertIsNotNone(self.gsi("old_gsi"))      # nothing was applied

    def test_3_delete_index(self):
        ddb = self.ddb
        answer = ddb.update_table(TableName=self.TABLE, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "old_gsi"}}])
        gsis = {g["IndexName"]: g for g in answer["TableDescription"].get("GlobalSecondaryIndexes", [])}
        if "old_gsi" in gsis:
            self.assertEqual(gsis["old_gsi"]["IndexStatus"], "DELETING")
        self.wait_for("old_gsi", lambda gsi: gsi is None)
        self.assert_error("ValidationException", NO_INDEX.format("old_gsi"), ddb.query, TableName=self.TABLE,
                          IndexName="old_gsi", KeyConditionExpression="old = :o", ExpressionAttributeValues={":o": S("o")})
        table = ddb.describe_table(TableName=self.TABLE)["Table"]
        # the attribute no key uses any more leaves AttributeDefinitions (AWS probes)
        self.assertNotIn("old", [a["AttributeName"] for a in table["AttributeDefinitions"]])
        self.assertEqual([g["IndexName"] for g in table.get("GlobalSecondaryIndexes", [])], ["by_cat"])
        # the items are untouched, and writes go on
        self.assertEqual(ddb.scan(TableName=self.TABLE, Select="COUNT", Limit=10)["Count"], 10)
        ddb.put_item(TableName=self.TABLE, Item={"pk": S("after"), "old": N(1)})    # no longer an index key


class DeleteTable(IndexCase):
    def test_delete_table_removes_index_relations(self):
        ddb = client()
        name = "WireIdxDrop"
        drop_table(ddb, name)
        ddb.create_table(TableName=name, KeySchema=key_schema("pk", "sk"),
                         AttributeDefinitions=attribute_definitions(pk="S", sk="S", l="S", g="S"),
                         LocalSecondaryIndexes=[{"IndexName": "lsi", "KeySchema": key_schema("pk", "l"),
                                                 "Projection": projection("ALL")}],
                         GlobalSecondaryIndexes=[{"IndexName": "gsi", "KeySchema": key_schema("g"),
                                                  "Projection": projection("ALL")}],
                         BillingMode="PAY_PER_REQUEST")
        ddb.put_item(TableName=name, Item={"pk": S("a"), "sk": S("b"), "l": S("c"), "g": S("d")})
        relations = (f"SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     f"WHERE n.nspname = 'dynamo_data' AND c.relname LIKE '{name}%'")
        self.assertGreater(int(sql(relations)), 1)
        ddb.delete_table(TableName=name)
        self.assertEqual(sql(relations), "0")
        if sql("SELECT to_regclass('dynamo.indexes') IS NOT NULL") == "t":
            self.assertEqual(sql(f"SELECT count(*) FROM dynamo.indexes i WHERE i::text LIKE '%{name}%'"), "0")
        # the name is free again, without its old indexes
        ddb.create_table(TableName=name, KeySchema=key_schema("pk"), AttributeDefinitions=attribute_definitions(pk="S"),
                         BillingMode="PAY_PER_REQUEST")
        table = ddb.describe_table(TableName=name)["Table"]
        self.assertNotIn("GlobalSecondaryIndexes", table)
        self.assertNotIn("LocalSecondaryIndexes", table)
        ddb.delete_table(TableName=name)


if __name__ == "__main__":
    warnings.simplefilter("ignore", ResourceWarning)
    unittest.main(verbosity=2, warnings="ignore")
