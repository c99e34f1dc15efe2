"""map.py: what every door of dynamo does on a table distributed with Citus, against the same on a local table.

For each kind of table (hash key only, hash and range key, with an LSI, with a GSI, with a stream) it creates a
local table Loc<kind> and a table Dis<kind> whose relation is distributed with create_distributed_table (the GSI's
relation too), then runs the same requests on both through one door: dynamo.execute on the coordinator (sql), the
wire endpoint of the coordinator (wire-coordinator) and of a worker (wire-worker). Every step prints one line:

    <door> <kind> <step>: works | WRONG <distributed answer> (local: <answer>) | ERROR <message> | CRASH <message>

The answers are compared without ConsumedCapacity and table names; Scan results are sorted. Needs the cluster of
test/citus/cluster.sh (PGHOST, PGPORT) and Debian's python3 (psycopg2, boto3).

    /usr/bin/python3 test/citus/map.py [door ...]
    /usr/bin/python3 test/citus/map.py --check     the working paths only (check_basic.sh); exits 1 on a difference
"""
import json
import os
import sys
import threading
import time

import boto3
import psycopg2
from botocore.config import Config
from botocore.exceptions import ClientError

HOST = os.environ.get("PGHOST", "/tmp/dynamo-citus")
PORT = int(os.environ.get("PGPORT", "5481"))
HTTP_PORT = int(os.environ.get("CITUS_HTTP_PORT", "5484"))


def connect(port=PORT):
    conn = psycopg2.connect(host=HOST, port=port, user="postgres", dbname="postgres")
    conn.autocommit = True
    return conn


class Crash(Exception):
    pass


class SqlDoor:
    """dynamo.execute on the coordinator"""

    def __init__(self):
        self.conn = connect()

    def __call__(self, action, request):
        try:
            with self.conn.cursor() as cur:
                cur.execute("SELECT dynamo.execute(%s, %s::jsonb)", (action, json.dumps(request)))
                return cur.fetchone()[0]
        except psycopg2.OperationalError as e:
            self.conn = connect()
            raise Crash(str(e).strip().splitlines()[0])
        except psycopg2.Error as e:
            raise RuntimeError(f"{e.pgcode} {e.pgerror.strip().splitlines()[0]}")


class WireDoor:
    """the wire endpoint of one node, with boto3"""

    def __init__(self, port):
        self.client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                                   aws_access_key_id="AKIDCITUS", aws_secret_access_key="x",
                                   config=Config(retries={"max_attempts": 0}))
        self.streams = boto3.client("dynamodbstreams", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
                                    aws_access_key_id="AKIDCITUS", aws_secret_access_key="x",
                                    config=Config(retries={"max_attempts": 0}))

    def __call__(self, action, request):
        client = self.streams if action in ("ListStreams", "DescribeStream", "GetShardIterator", "GetRecords") \
            else self.client
        try:
            return client._make_api_call(action, request)
        except ClientError as e:
            raise RuntimeError(f"{e.response['Error'].get('Code')} {e.response['Error'].get('Message')}")
        except Exception as e:   # connection reset, closed
            raise Crash(f"{type(e).__name__} {e}")


def sql(query, params=None, port=PORT):
    conn = connect(port)
    try:
        with conn.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


S = lambda v: {"S": v}
N = lambda v: {"N": str(v)}

KINDS = {
    "hash": {"keys": [("pk", "S", "HASH")]},
    "range": {"keys": [("pk", "S", "HASH"), ("sk", "N", "RANGE")]},
    "lsi": {"keys": [("pk", "S", "HASH"), ("sk", "N", "RANGE")], "lsi": True},
    "gsi": {"keys": [("pk", "S", "HASH"), ("sk", "N", "RANGE")], "gsi": True},
    "stream": {"keys": [("pk", "S", "HASH"), ("sk", "N", "RANGE")], "stream": True},
}


def create_request(name, kind):
    spec = KINDS[kind]
    attrs = {a: t for a, t, _ in spec["keys"]}
    request = {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
               "KeySchema": [{"AttributeName": a, "KeyType": k} for a, _, k in spec["keys"]]}
    if spec.get("lsi"):
        attrs["d"] = "S"
        request["LocalSecondaryIndexes"] = [{"IndexName": "ByD", "Projection": {"ProjectionType": "ALL"},
                                             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                           {"AttributeName": "d", "KeyType": "RANGE"}]}]
    if spec.get("gsi"):
        attrs["g"] = "S"
        request["GlobalSecondaryIndexes"] = [{"IndexName": "ByG", "Projection": {"ProjectionType": "ALL"},
                                              "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"},
                                                            {"AttributeName": "sk", "KeyType": "RANGE"}]}]
    if spec.get("stream"):
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    request["AttributeDefinitions"] = [{"AttributeName": a, "AttributeType": t} for a, t in attrs.items()]
    return request


def distribute(name, kind):
    """a table without a stream: dynamo.distribute_table (the relation distributed on pk, its GSIs on table_pk
    colocated with it, the catalog copied to the workers). A table with a stream, which dynamo refuses to
    distribute, by hand for the map: the table's relation distributed on pk, the local copies removed"""
    if not KINDS[kind].get("stream"):
        sql("SELECT dynamo.distribute_table(%s)", (name,))
        return
    unsafe = "SET citus.enable_unsafe_triggers = on; " if KINDS[kind].get("gsi") else ""
    sql(f"""{unsafe}SELECT create_distributed_table('dynamo_data."{name}"', 'pk')""")
    sql(f"""SELECT truncate_local_data_after_distributing_table('dynamo_data."{name}"')""")
    if KINDS[kind].get("gsi"):
        sql(f"""SELECT create_distributed_table('dynamo_data."{name}:ByG"', 'pk')""")


def normalize(answer, name):
    if isinstance(answer, dict):
        answer = {k: v for k, v in answer.items() if k not in ("ConsumedCapacity", "ResponseMetadata")}
    text = json.dumps(answer, sort_keys=True, default=str).replace(name, "T")
    answer = json.loads(text)
    if isinstance(answer, dict) and "Items" in answer and isinstance(answer["Items"], list):
        answer["Items"] = sorted(answer["Items"], key=lambda i: json.dumps(i, sort_keys=True))
        answer.pop("LastEvaluatedKey", None)
    return answer


def key(kind, pk, sk=1):
    return {"pk": S(pk)} if kind == "hash" else {"pk": S(pk), "sk": N(sk)}


def item(kind, pk, sk=1, **more):
    out = key(kind, pk, sk)
    out.update({"v": N(1), "d": S(f"d{pk}"), "g": S("g1")})
    out.update(more)
    return out


def steps(kind, prefix):
    """(name, action, request with TableName T) of one table kind; prefix keeps the doors' keys apart"""
    p = lambda i: f"{prefix}{i}"
    out = [
        ("PutItem", "PutItem", {"Item": item(kind, p(1))}),
        ("GetItem", "GetItem", {"Key": key(kind, p(1)), "ConsistentRead": True}),
        ("GetItem(pre-distribution item)", "GetItem", {"Key": key(kind, "pre"), "ConsistentRead": True}),
        ("PutItem(condition fails)", "PutItem", {"Item": item(kind, p(1)), "ConditionExpression": "attribute_not_exists(pk)"}),
        ("PutItem(ReturnValues ALL_OLD)", "PutItem", {"Item": item(kind, p(1), v=N(5)), "ReturnValues": "ALL_OLD"}),
        ("UpdateItem", "UpdateItem", {"Key": key(kind, p(1)), "UpdateExpression": "SET v = v + :one",
                                      "ExpressionAttributeValues": {":one": N(1)}, "ReturnValues": "ALL_NEW"}),
        ("UpdateItem(condition fails)", "UpdateItem", {"Key": key(kind, p(1)), "UpdateExpression": "SET v = :one",
                                                       "ConditionExpression": "v = :one",
                                                       "ExpressionAttributeValues": {":one": N(1)}}),
        ("UpdateItem(new item)", "UpdateItem", {"Key": key(kind, p(2)), "UpdateExpression": "SET v = :one, d = :d, g = :g",
                                                "ExpressionAttributeValues": {":one": N(1), ":d": S("d2"), ":g": S("g1")},
                                                "ReturnValues": "ALL_NEW"}),
        ("GetItem(after update)", "GetItem", {"Key": key(kind, p(1)), "ConsistentRead": True}),
        ("DeleteItem(condition fails)", "DeleteItem", {"Key": key(kind, p(2)), "ConditionExpression": "v = :z",
                                                       "ExpressionAttributeValues": {":z": N(0)}}),
        ("DeleteItem(condition holds)", "DeleteItem", {"Key": key(kind, p(2)), "ConditionExpression": "v = :one",
                                                       "ExpressionAttributeValues": {":one": N(1)}, "ReturnValues": "ALL_OLD"}),
        ("GetItem(deleted)", "GetItem", {"Key": key(kind, p(2)), "ConsistentRead": True}),
        ("BatchWriteItem", "BatchWriteItem", {"RequestItems": {"T": [{"PutRequest": {"Item": item(kind, p(i), sk=i)}}
                                                                     for i in range(10, 20)]}}),
        ("BatchGetItem", "BatchGetItem", {"RequestItems": {"T": {"Keys": [key(kind, p(i), sk=i) for i in range(10, 20)]}}}),
        ("Query(table)", "Query", {"KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": S(p(1))}}),
        ("Scan", "Scan", {"FilterExpression": "begins_with(pk, :p)", "ExpressionAttributeValues": {":p": S(prefix)}}),
        ("Scan(segment 0 of 2)", "Scan", {"Segment": 0, "TotalSegments": 2, "FilterExpression": "begins_with(pk, :p)",
                                          "ExpressionAttributeValues": {":p": S(prefix)}}),
        ("Scan(segment 1 of 2)", "Scan", {"Segment": 1, "TotalSegments": 2, "FilterExpression": "begins_with(pk, :p)",
                                          "ExpressionAttributeValues": {":p": S(prefix)}}),
        ("Scan(Select COUNT)", "Scan", {"Select": "COUNT"}),
        ("TransactWriteItems(across shards)", "TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "T", "Item": item(kind, p(i), sk=i)}} for i in range(30, 34)] + [
            {"Update": {"TableName": "T", "Key": key(kind, p(1)), "UpdateExpression": "SET v = v + :one",
                        "ExpressionAttributeValues": {":one": N(1)}}}]}),
        ("TransactWriteItems(condition fails)", "TransactWriteItems", {"TransactItems": [
            {"Put": {"TableName": "T", "Item": item(kind, p(40))}},
            {"ConditionCheck": {"TableName": "T", "Key": key(kind, p(1)), "ConditionExpression": "v = :z",
                                "ExpressionAttributeValues": {":z": N(0)}}}]}),
        ("TransactGetItems", "TransactGetItems", {"TransactItems": [
            {"Get": {"TableName": "T", "Key": key(kind, p(i), sk=i)}} for i in list(range(30, 34)) + [40]]}),
    ]
    if kind == "lsi":
        out.append(("Query(LSI)", "Query", {"IndexName": "ByD", "KeyConditionExpression": "pk = :p",
                                            "ExpressionAttributeValues": {":p": S(p(1))}}))
    if kind == "gsi":
        out.append(("Query(GSI)", "Query", {"IndexName": "ByG", "KeyConditionExpression": "g = :g",
                                            "FilterExpression": "begins_with(pk, :p)",
                                            "ExpressionAttributeValues": {":g": S("g1"), ":p": S(prefix)}}))
        out.append(("Scan(GSI)", "Scan", {"IndexName": "ByG", "FilterExpression": "begins_with(pk, :p)",
                                          "ExpressionAttributeValues": {":p": S(prefix)}}))
    return out


def with_table(action, request, name):
    text = json.dumps(request).replace('"T"', json.dumps(name))
    request = json.loads(text)
    if not action.startswith(("Batch", "Transact")):
        request["TableName"] = name
    return request


def run_step(door, name, action, request):
    try:
        return "ok", normalize(door(action, with_table(action, request, name)), name)
    except Crash as e:
        return "CRASH", str(e)
    except RuntimeError as e:
        return "ERROR", str(e)


FAILURES = []


def compare(label, local, distributed):
    if distributed != local or local[0] != "ok" and "condition fails" not in label:
        FAILURES.append(label)
    if distributed[0] == "CRASH":
        print(f"{label}: CRASH {distributed[1]}")
    elif distributed == local and local[0] == "ERROR":
        print(f"{label}: local and distributed both ERROR {local[1]}")
    elif distributed == local:
        print(f"{label}: works")
    elif distributed[0] == "ERROR" and local[0] != "ERROR":
        print(f"{label}: ERROR {distributed[1]}")
    else:
        print(f"{label}: WRONG {json.dumps(distributed[1])[:300]} (local: {json.dumps(local[1])[:300]})")
    sys.stdout.flush()


def stream_records(door, name):
    """every record of the table's stream, as (eventName, keys)"""
    streams = door("ListStreams", {"TableName": name})["Streams"]
    if not streams:
        return "no stream"
    arn = streams[0]["StreamArn"]
    shards = door("DescribeStream", {"StreamArn": arn})["StreamDescription"]["Shards"]
    records = []
    for shard in shards:
        iterator = door("GetShardIterator", {"StreamArn": arn, "ShardId": shard["ShardId"],
                                             "ShardIteratorType": "TRIM_HORIZON"})["ShardIterator"]
        for _ in range(20):
            answer = door("GetRecords", {"ShardIterator": iterator})
            records += [(r["eventName"], json.dumps(r["dynamodb"]["Keys"], sort_keys=True)) for r in answer["Records"]]
            iterator = answer.get("NextShardIterator")
            if not iterator or not answer["Records"]:
                break
    return sorted(records)


def sql_functions():
    """the SQL functions of the item path (dynamo.get_item and the others), and TTL and backups"""
    for kind in ("hash", "range"):
        for prefix in ("Loc", "Dis"):
            name = f"{prefix}{kind.capitalize()}"
            it, k = json.dumps(item(kind, "fn1")), json.dumps(key(kind, "fn1"))
            queries = [
                ("dynamo.put_item", "SELECT dynamo.put_item(%s, %s::dynamo.item)", (name, it)),
                ("dynamo.get_item", "SELECT dynamo.get_item(%s, %s::dynamo.item)", (name, k)),
                ("dynamo.update_item", "SELECT dynamo.update_item(%s, %s::dynamo.item, 'SET v = v + :one', NULL, NULL,"
                 " '{\":one\": {\"N\": \"1\"}}')", (name, k)),
                ("dynamo.get_item(after update)", "SELECT dynamo.get_item(%s, %s::dynamo.item)", (name, k)),
                ("dynamo.delete_item", "SELECT dynamo.delete_item(%s, %s::dynamo.item, 'attribute_exists(pk)')", (name, k)),
                ("dynamo.get_item(pre-distribution item)", "SELECT dynamo.get_item(%s, %s::dynamo.item)",
                 (name, json.dumps(key(kind, "pre")))),
            ]
            for step, query, params in queries:
                try:
                    answer = ("ok", sql(query, params))
                except psycopg2.Error as e:
                    answer = ("ERROR", e.pgerror.strip().splitlines()[0])
                if prefix == "Loc":
                    results[(kind, step)] = answer
                else:
                    compare(f"sql-function {kind} {step}", results[(kind, step)], answer)


results = {}


def ttl_and_backups():
    """UpdateTimeToLive and an expired item removed by dynamo.ttl_expire; CreateBackup, RestoreTableFromBackup
    (the jobs run by dynamo.run_jobs), UpdateContinuousBackups"""
    door = SqlDoor()
    for prefix in ("Loc", "Dis"):
        name = f"{prefix}Range"
        answers = []

        def step(label, fn):
            try:
                answers.append((label, ("ok", fn())))
            except (RuntimeError, Crash, psycopg2.Error) as e:
                answers.append((label, ("ERROR", str(getattr(e, "pgerror", None) or e).strip().splitlines()[0])))

        step("UpdateTimeToLive", lambda: door("UpdateTimeToLive", {"TableName": name, "TimeToLiveSpecification": {
            "Enabled": True, "AttributeName": "exp"}})["TimeToLiveSpecification"])
        step("PutItem(expired)", lambda: door("PutItem", {"TableName": name, "Item": item("range", "ttl", exp=N(int(time.time()) - 60))}))
        step("dynamo.ttl_expire", lambda: sql("SELECT dynamo.ttl_expire(%s)", (name,)))
        step("GetItem(expired item after ttl_expire)", lambda: door("GetItem", {"TableName": name,
                                                                                "Key": key("range", "ttl")}))
        step("Scan count(after ttl_expire)", lambda: door("Scan", {"TableName": name, "Select": "COUNT"})["Count"])

        def backup_and_restore():
            arn = door("CreateBackup", {"TableName": name, "BackupName": "bak"})["BackupDetails"]["BackupArn"]
            for _ in range(50):
                sql("SELECT dynamo.run_jobs()")
                status = door("DescribeBackup", {"BackupArn": arn})["BackupDescription"]["BackupDetails"]["BackupStatus"]
                if status != "CREATING":
                    break
                time.sleep(0.2)
            door("RestoreTableFromBackup", {"BackupArn": arn, "TargetTableName": name + "Restored"})
            for _ in range(50):
                sql("SELECT dynamo.run_jobs()")
                if door("DescribeTable", {"TableName": name + "Restored"})["Table"]["TableStatus"] == "ACTIVE":
                    break
                time.sleep(0.2)
            return (status, door("Scan", {"TableName": name + "Restored", "Select": "COUNT"})["Count"] ==
                    door("Scan", {"TableName": name, "Select": "COUNT"})["Count"])
        step("CreateBackup/RestoreTableFromBackup (status, restored count = table count)", backup_and_restore)
        step("UpdateContinuousBackups", lambda: door("UpdateContinuousBackups", {
            "TableName": name, "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True}})
            ["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"])
        if prefix == "Loc":
            local = answers
        else:
            for (label, here), (_, there) in zip(local, answers):
                compare(f"sql {label}", json.loads(json.dumps(here).replace("Loc", "T")),
                        json.loads(json.dumps(there).replace("Dis", "T")))


# the doors that read the local partition directly and so miss a distributed table's items (none since
# GetItem and BatchGetItem route through Citus for distributed tables)
READ_LOCAL_SHELL = ()


def check(doors):
    """check_basic.sh: the item paths that work on a distributed table without indexes, which must keep working"""
    for door_name in doors:
        door = {"sql": SqlDoor, "wire-coordinator": lambda: WireDoor(HTTP_PORT),
                "wire-worker": lambda: WireDoor(HTTP_PORT + 1)}[door_name]()
        # a worker knows only the distributed tables: its answers are compared with the coordinator's
        local_door = WireDoor(HTTP_PORT) if door_name == "wire-worker" else door
        for kind in ("hash", "range", "lsi", "gsi"):
            for step, action, request in steps(kind, "c" + door_name[0] + door_name[-1]):
                if action in READ_LOCAL_SHELL:
                    continue
                local = run_step(local_door, f"Loc{kind.capitalize()}", action, request)
                distributed = run_step(door, f"Dis{kind.capitalize()}", action, request)
                compare(f"{door_name} {kind} {step}", local, distributed)
    # the distributed table's items are on the workers' shards, none in the coordinator's shell
    on_shards = sql('SELECT count(*) FROM dynamo_data."DisRange"')[0][0]
    in_shell = sql("""SELECT sum(pg_relation_size(oid)) FROM pg_class
                       WHERE relnamespace = 'dynamo_data'::regnamespace AND relname LIKE 'DisRange#%%' AND relkind = 'r'""")[0][0]
    print(f"check: DisRange has {on_shards} items through Citus, its local partitions {in_shell} bytes")
    if on_shards < 10 or in_shell != 0 or on_shards != sql('SELECT count(*) FROM dynamo_data."LocRange"')[0][0]:
        FAILURES.append("items on the shards")
    check_gsi_entries()
    check_online_index()
    return 1 if FAILURES else 0


def check_online_index():
    """UpdateTable adds a GSI to a distributed table holding items while a writer keeps changing their index key:
    the backfill (one rewrite per partition over the shards) and the writer leave exactly one entry per item,
    with its key; items whose key attribute has another type are left out"""
    door = SqlDoor()
    name = "DisOnline"
    if not sql("SELECT 1 FROM dynamo.tables WHERE table_name = %s", (name,)):
        door("CreateTable", {"TableName": name, "BillingMode": "PAY_PER_REQUEST",
                             "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                             "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                             "DynamoOptions": {"Distributed": True}})
    for i in range(300):
        door("PutItem", {"TableName": name, "Item": {"pk": S(f"o{i}"), "g": S(f"g{i % 7}"), "n": N(i)}})
    door("PutItem", {"TableName": name, "Item": {"pk": S("wrong-type"), "g": N(1)}})
    stop = threading.Event()

    def writer():
        w, i = SqlDoor(), 0
        while not stop.is_set():
            # the first half of the items only: the other half keeps its key for the Query below
            w("UpdateItem", {"TableName": name, "Key": {"pk": S(f"o{i % 150}")}, "UpdateExpression": "SET g = :g",
                             "ExpressionAttributeValues": {":g": S(f"w{i}")}})
            i += 1
        return i

    thread = threading.Thread(target=writer)
    thread.start()
    door("UpdateTable", {"TableName": name,
                         "AttributeDefinitions": [{"AttributeName": "g", "AttributeType": "S"}],
                         "GlobalSecondaryIndexUpdates": [{"Create": {
                             "IndexName": "ByG", "Projection": {"ProjectionType": "KEYS_ONLY"},
                             "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}]}}]})
    status, deadline = None, time.time() + 60
    while time.time() < deadline:
        status = door("DescribeTable", {"TableName": name})["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"]
        if status == "ACTIVE":
            break
        time.sleep(0.2)
    time.sleep(0.5)
    stop.set()
    thread.join()
    missing, extra, wrong, entries = sql(f"""
        SELECT count(*) FILTER (WHERE g.table_pk IS NULL), count(*) FILTER (WHERE t.pk IS NULL),
               count(*) FILTER (WHERE NOT coalesce(g.pk OPERATOR(dynamo.=) dynamo.get(t.item, 'g'), false)), count(g.pk)
          FROM (SELECT * FROM dynamo_data."{name}" WHERE pk OPERATOR(dynamo.<>) '{{"S": "wrong-type"}}') t
          FULL JOIN dynamo_data."{name}:ByG" g ON t.pk OPERATOR(dynamo.=) g.table_pk""")[0]
    answer = door("Query", {"TableName": name, "IndexName": "ByG", "KeyConditionExpression": "g = :g",
                            "ExpressionAttributeValues": {":g": S("g3")}})
    expected = sql(f"""SELECT count(*) FROM dynamo_data."{name}" WHERE dynamo.get(item, 'g') OPERATOR(dynamo.=) '{{"S": "g3"}}'""")[0][0]
    print(f"check: GSI added to a distributed table under a writer: {status}, {entries} entries for 300 items "
          f"({missing} missing, {extra} extra, {wrong} with another key); Query g3: {answer['Count']} of {expected}")
    if status != "ACTIVE" or missing or extra or wrong or entries != 300 or answer["Count"] != expected or expected < 20:
        FAILURES.append("GSI added by UpdateTable to a distributed table")


def check_gsi_entries():
    """a plain SQL write on the coordinator keeps the distributed GSI in step too; then every item of DisGsi has
    exactly its entry in the GSI, and the GSI's rows are on the shards, none in the coordinator's shell"""
    sql("""INSERT INTO dynamo_data."DisGsi" (pk, sk, item)
           VALUES ('{"S": "sql-1"}', '{"N": "1"}', '{"pk": {"S": "sql-1"}, "sk": {"N": "1"}, "g": {"S": "gsql"}}')""")
    answer = SqlDoor()("Query", {"TableName": "DisGsi", "IndexName": "ByG", "KeyConditionExpression": "g = :g",
                                 "ExpressionAttributeValues": {":g": S("gsql")}})
    if answer.get("Count") != 1:
        FAILURES.append("GSI entry of a plain SQL INSERT")
        print(f"check: Query(GSI) of an item put with SQL: WRONG {answer}")
    missing, extra, wrong, entries = sql("""
        SELECT count(*) FILTER (WHERE g.table_pk IS NULL), count(*) FILTER (WHERE t.pk IS NULL),
               count(*) FILTER (WHERE NOT coalesce(g.item OPERATOR(dynamo.=) t.item, false)), count(g.pk)
          FROM (SELECT * FROM dynamo_data."DisGsi" WHERE dynamo.get(item, 'g') IS NOT NULL) t
          FULL JOIN dynamo_data."DisGsi:ByG" g
            ON t.pk OPERATOR(dynamo.=) g.table_pk AND t.sk OPERATOR(dynamo.=) g.table_sk""")[0]
    in_shell = sql("""SELECT coalesce(sum(pg_relation_size(oid)), 0) FROM pg_class
                       WHERE relnamespace = 'dynamo_data'::regnamespace AND relname LIKE 'DisGsi:ByG#%%'
                         AND relkind = 'r'""")[0][0]
    print(f"check: DisGsi's GSI has {entries} entries ({missing} items without theirs, {extra} without an item, "
          f"{wrong} unlike their item); its local partitions {in_shell} bytes")
    if missing or extra or wrong or entries < 10 or in_shell:
        FAILURES.append("GSI entries")


def create_tables(kinds):
    admin = SqlDoor()
    for kind in kinds:
        for prefix in ("Loc", "Dis"):
            name = f"{prefix}{kind.capitalize()}"
            if sql("SELECT 1 FROM dynamo.tables WHERE table_name = %s", (name,)):
                continue
            admin("CreateTable", create_request(name, kind))
            admin("PutItem", {"TableName": name, "Item": item(kind, "pre")})
            if prefix == "Dis":
                try:
                    distribute(name, kind)
                except psycopg2.Error as e:
                    print(f"create_distributed_table {name}: ERROR {e.pgerror.strip().splitlines()[0]}")


def main(doors):
    door_objects = {"sql": SqlDoor, "wire-coordinator": lambda: WireDoor(HTTP_PORT),
                    "wire-worker": lambda: WireDoor(HTTP_PORT + 1)}
    create_tables(KINDS)
    for door_name in doors:
        door = door_objects[door_name]()
        for kind in KINDS:
            for step, action, request in steps(kind, door_name[:1] + door_name[-1]):
                local = run_step(door, f"Loc{kind.capitalize()}", action, request)
                distributed = run_step(door, f"Dis{kind.capitalize()}", action, request)
                compare(f"{door_name} {kind} {step}", local, distributed)
        # streams: the records of the writes above, once the capture has read them
        time.sleep(3)
        local = run_step(lambda a, r: stream_records(door, r["TableName"]), "LocStream", "", {"TableName": "T"})
        distributed = run_step(lambda a, r: stream_records(door, r["TableName"]), "DisStream", "", {"TableName": "T"})
        compare(f"{door_name} stream ListStreams/DescribeStream/GetRecords", local, distributed)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"]:
        create_tables(("hash", "range", "lsi", "gsi"))
        sys.exit(check(["sql", "wire-coordinator", "wire-worker"]))
    doors = sys.argv[1:] or ["sql", "wire-coordinator", "wire-worker"]
    main(doors)
    if "sql" in doors:   # last: the TTL step leaves an item on the distributed table only
        sql_functions()
        ttl_and_backups()
