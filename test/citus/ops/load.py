"""load.py: writers and readers on a distributed table through the coordinator's endpoint, for the operations
checks (check_rebalance.sh, check_worker_crash.sh), and the check of what they leave behind.

    load.py setup                   create the table Ops (hash and range key, a GSI ByV on v) and distribute it
                                    with dynamo.distribute_table (LOAD_SHARD_COUNT shards, 8)
    load.py fill N                  add N items of 1 KB (BatchWriteItem), bulk-<n>/<m>
    load.py run LOGDIR              run the load until the file LOGDIR/stop appears; write the logs, then a summary
    load.py report LOGDIR PHASE...  the figures per phase; exit 1 on a violation or a final failure in a PHASE
    load.py verify LOGDIR           compare the table with the logs; print the figures; exit 1 on a violation

The load (threads of one process, each with its own boto3 client and no retries, so that every error is seen):

- writers (LOAD_WRITERS, 4): each owns LOAD_PARTITIONS partition keys w<n>-p<i> of LOAD_SORT_KEYS items each
  and raises an item's version counter v by one per write, alternating a PutItem and an UpdateItem, both with
  the condition that v is the version it last saw (optimistic locking). Every acknowledged write is appended to
  LOGDIR/writer-<n>.log ("acked KEY V"). A write that fails has an unknown outcome: it is logged ("failed KEY
  V CODE"), and the writer reads the item again (until a read succeeds) before writing it again ("resync KEY
  V"). A condition that fails when the writer was sure of the version is a lost write (a violation).
- transaction writers (LOAD_TX_WRITERS, 1): TransactWriteItems of three items with different partition keys
  (so different shards) tx<g>-a/b/c, each SET v = n + 1 on the condition v = n; the same log lines (KEY is the
  group). After a failure the writer reads the three items until they agree (a group seen split is logged as
  "split": a transaction half-applied, at least for a while, as 2PC recovery may still commit the rest).
- readers (LOAD_READERS, 2): GetItem (ConsistentRead) of a random key already written, or Query of one of its
  partition keys, or TransactGetItems of a group; every item must show the last version acknowledged before the
  read began or a later one ("stale" otherwise, a violation). Failed reads are counted by error code.

Every failure is written to LOGDIR/failures.log with its time ("TIME writer|tx|reader CODE MESSAGE"); the summary
(LOGDIR/summary.json) has the counts. verify reads the table back (Scan, ConsistentRead) and checks that every
key's value is its last acknowledged (or resynced) value, or the one a failed write tried after it, that every
transaction group agrees, and that the GSI ByV holds exactly one entry per item, with the item's v. Needs Debian's python3 (boto3, psycopg2) and the cluster (PGHOST, PGPORT,
CITUS_HTTP_PORT).
"""
import json
import os
import random
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
TABLE = os.environ.get("LOAD_TABLE", "Ops")
WRITERS = int(os.environ.get("LOAD_WRITERS", "4"))
TX_WRITERS = int(os.environ.get("LOAD_TX_WRITERS", "1"))
READERS = int(os.environ.get("LOAD_READERS", "2"))
PARTITIONS = int(os.environ.get("LOAD_PARTITIONS", "8"))
SORT_KEYS = int(os.environ.get("LOAD_SORT_KEYS", "2"))
TX_GROUPS = int(os.environ.get("LOAD_TX_GROUPS", "8"))
PAD = "x" * int(os.environ.get("LOAD_PAD", "200"))
# what a client would retry (botocore's standard mode: throttling, conflicts, 5xx, connection errors)
RETRYABLE = {"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
             "TransactionConflictException", "InternalServerError", "ServiceUnavailable", "LimitExceededException"}


def client():
    """a client of the coordinator's endpoint (a session of its own: boto3's default session is not thread-safe)"""
    return boto3.session.Session().client("dynamodb", endpoint_url=f"http://127.0.0.1:{HTTP_PORT}", region_name="us-east-1",
                        aws_access_key_id="AKIDCITUS", aws_secret_access_key="x",
                        config=Config(retries={"max_attempts": 0}, connect_timeout=5, read_timeout=30))


def error_of(e):
    """(code, message, retryable) of an exception from a call"""
    if isinstance(e, ClientError):
        code = e.response["Error"].get("Code", "?")
        status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        message = e.response["Error"].get("Message", "")
        # a transaction cancelled by conflicts only (DynamoDB says: retry it)
        reasons = [r.get("Code") for r in e.response.get("CancellationReasons", [])]
        conflict_only = code == "TransactionCanceledException" and "TransactionConflict" in reasons and all(
            r in ("TransactionConflict", "None", None) for r in reasons)
        return code, message, code in RETRYABLE or status >= 500 or conflict_only
    return type(e).__name__, str(e), True   # no answer: connection refused, reset, timeout


def key_of(name):
    """the Key of an item name 'pk/sk'"""
    pk, sk = name.rsplit("/", 1)
    return {"pk": {"S": pk}, "sk": {"N": sk}}


class Shared:
    """what the threads share: the last acknowledged version of every key, the counters, the failure log"""

    def __init__(self, logdir):
        self.lock = threading.Lock()
        self.acked = {}           # key -> last version acknowledged (or read back after a failure)
        self.tx_acked = {}        # group -> the same
        self.counts = {}          # phase -> name -> count
        self.failures = {}        # phase -> "role code (retryable|final)" -> count
        self.slowest = {}         # phase -> name -> the slowest request's seconds
        self.phase_name, self.phase_read = "run", 0.0
        self.violations = []
        self.stop = threading.Event()
        self.logdir = logdir
        self.failure_log = open(os.path.join(logdir, "failures.log"), "a", buffering=1)

    def phase(self):
        """the phase the driving script is in (LOGDIR/phase: before, move, kill, after...), read every 0.2 s"""
        now = time.time()
        if now - self.phase_read > 0.2:
            try:
                with open(os.path.join(self.logdir, "phase")) as f:
                    self.phase_name = f.read().strip() or "run"
            except OSError:
                self.phase_name = "run"
            self.phase_read = now
        return self.phase_name

    def count(self, name, started=None):
        """one more of name in this phase; started: when the request began (its time counts in the slowest)"""
        with self.lock:
            counts = self.counts.setdefault(self.phase(), {})
            counts[name] = counts.get(name, 0) + 1
            if started is not None:
                slowest = self.slowest.setdefault(self.phase(), {})
                slowest[name] = max(slowest.get(name, 0), round(time.time() - started, 3))

    def failed(self, role, e):
        code, message, retryable = error_of(e)
        kind = "retryable" if retryable else "final"
        with self.lock:
            failures = self.failures.setdefault(self.phase(), {})
            failures[f"{role} {code} ({kind})"] = failures.get(f"{role} {code} ({kind})", 0) + 1
            first_line = message.splitlines()[0][:300] if message else ""
            self.failure_log.write(f"{time.time():.3f} {self.phase()} {role} {code} {kind} {first_line}\n")
        return code

    def violation(self, text):
        with self.lock:
            self.violations.append(f"{time.time():.3f} {text}")
            self.failure_log.write(f"{time.time():.3f} VIOLATION {text}\n")


def writer(shared, n):
    db = client()
    log = open(os.path.join(shared.logdir, f"writer-{n}.log"), "a", buffering=1)
    keys = [f"w{n}-p{i}/{s}" for i in range(PARTITIONS) for s in range(SORT_KEYS)]
    known = {k: 0 for k in keys}      # 0: the item does not exist yet
    uncertain = set()
    step = 0
    while not shared.stop.is_set():
        k = random.choice(keys)
        if k in uncertain:
            try:
                item = db.get_item(TableName=TABLE, Key=key_of(k), ConsistentRead=True).get("Item")
            except Exception as e:
                shared.failed("writer-resync", e)
                time.sleep(0.2)
                continue
            known[k] = int(item["v"]["N"]) if item else 0
            uncertain.discard(k)
            log.write(f"resync {k} {known[k]}\n")
            with shared.lock:
                shared.acked[k] = known[k]
            continue
        v = known[k]
        step += 1
        started = time.time()
        try:
            if step % 2 or v == 0:
                cond = "attribute_not_exists(pk)" if v == 0 else "v = :v"
                values = {} if v == 0 else {":v": {"N": str(v)}}
                pk, sk = k.rsplit("/", 1)
                db.put_item(TableName=TABLE, Item={"pk": {"S": pk}, "sk": {"N": sk}, "v": {"N": str(v + 1)},
                                                   "writer": {"N": str(n)}, "pad": {"S": PAD}},
                            ConditionExpression=cond, **({"ExpressionAttributeValues": values} if values else {}))
            else:
                answer = db.update_item(TableName=TABLE, Key=key_of(k), UpdateExpression="SET v = v + :one",
                                        ConditionExpression="v = :v", ReturnValues="UPDATED_NEW",
                                        ExpressionAttributeValues={":v": {"N": str(v)}, ":one": {"N": "1"}})
                if int(answer["Attributes"]["v"]["N"]) != v + 1:
                    shared.violation(f"writer UpdateItem {k} returned v={answer['Attributes']['v']['N']}, expected {v + 1}")
        except Exception as e:
            code = shared.failed("writer", e)
            if code == "ConditionalCheckFailedException":
                shared.violation(f"writer {k}: condition v = {v} failed, the last acknowledged version (a lost write?)")
            log.write(f"failed {k} {v + 1} {code}\n")
            uncertain.add(k)
            time.sleep(0.05)
            continue
        known[k] = v + 1
        log.write(f"acked {k} {v + 1}\n")
        with shared.lock:
            shared.acked[k] = v + 1
        shared.count("writes acked", started)


def group_keys(g):
    return [f"tx{g}-{part}/0" for part in "abc"]


def read_group(db, g):
    answer = db.transact_get_items(TransactItems=[{"Get": {"TableName": TABLE, "Key": key_of(k)}}
                                                  for k in group_keys(g)])
    return [int(r["Item"]["v"]["N"]) if r.get("Item") else 0 for r in answer["Responses"]]


def tx_writer(shared, n):
    db = client()
    log = open(os.path.join(shared.logdir, f"tx-{n}.log"), "a", buffering=1)
    groups = [f"{n}.{g}" for g in range(TX_GROUPS)]
    known = {g: 0 for g in groups}
    uncertain = set()
    while not shared.stop.is_set():
        g = random.choice(groups)
        if g in uncertain:
            try:
                versions = read_group(db, g)
            except Exception as e:
                shared.failed("tx-resync", e)
                time.sleep(0.2)
                continue
            if len(set(versions)) != 1:
                log.write(f"split {g} {' '.join(map(str, versions))}\n")
                shared.count("tx groups seen split")
                time.sleep(0.5)
                continue
            known[g] = versions[0]
            uncertain.discard(g)
            log.write(f"resync {g} {known[g]}\n")
            with shared.lock:
                shared.tx_acked[g] = known[g]
            continue
        v = known[g]
        started = time.time()
        items = []
        for k in group_keys(g):
            pk, sk = k.rsplit("/", 1)
            if v == 0:
                items.append({"Put": {"TableName": TABLE, "Item": {"pk": {"S": pk}, "sk": {"N": sk}, "v": {"N": "1"}},
                                      "ConditionExpression": "attribute_not_exists(pk)"}})
            else:
                items.append({"Update": {"TableName": TABLE, "Key": key_of(k), "UpdateExpression": "SET v = :n",
                                         "ConditionExpression": "v = :v",
                                         "ExpressionAttributeValues": {":v": {"N": str(v)}, ":n": {"N": str(v + 1)}}}})
        try:
            db.transact_write_items(TransactItems=items)
        except Exception as e:
            code = shared.failed("tx", e)
            log.write(f"failed {g} {v + 1} {code}\n")
            uncertain.add(g)
            time.sleep(0.05)
            continue
        known[g] = v + 1
        log.write(f"acked {g} {v + 1}\n")
        with shared.lock:
            shared.tx_acked[g] = v + 1
        shared.count("transactions acked", started)


def reader(shared, n):
    db = client()
    while not shared.stop.is_set():
        with shared.lock:
            keys = list(shared.acked.items())
            groups = list(shared.tx_acked.items())
        if not keys:
            time.sleep(0.05)
            continue
        choice = random.random()
        started = time.time()
        try:
            if choice < 0.5:
                k, floor = random.choice(keys)
                item = db.get_item(TableName=TABLE, Key=key_of(k), ConsistentRead=True).get("Item")
                seen = int(item["v"]["N"]) if item else 0
                if seen < floor:
                    shared.violation(f"reader GetItem {k}: v={seen}, acknowledged {floor} before the read")
                shared.count("GetItem reads", started)
            elif choice < 0.85 or not groups:
                k, _ = random.choice(keys)
                pk = k.rsplit("/", 1)[0]
                with shared.lock:
                    floors = {key: v for key, v in shared.acked.items() if key.startswith(pk + "/")}
                answer = db.query(TableName=TABLE, KeyConditionExpression="pk = :p",
                                  ExpressionAttributeValues={":p": {"S": pk}}, ConsistentRead=True)
                seen = {f"{i['pk']['S']}/{i['sk']['N']}": int(i["v"]["N"]) for i in answer["Items"]}
                for key, floor in floors.items():
                    if seen.get(key, 0) < floor:
                        shared.violation(f"reader Query {key}: v={seen.get(key)}, acknowledged {floor} before the read")
                shared.count("Query reads", started)
            else:
                g, floor = random.choice(groups)
                versions = read_group(db, g)
                if min(versions) < floor:
                    shared.violation(f"reader TransactGetItems {g}: {versions}, acknowledged {floor} before the read")
                if len(set(versions)) != 1:
                    shared.count("tx groups seen split by a reader")
                shared.count("TransactGetItems reads", started)
        except Exception as e:
            shared.failed("reader", e)
            shared.count("reads failed")
            time.sleep(0.05)


def run(logdir):
    shared = Shared(logdir)
    threads = [threading.Thread(target=writer, args=(shared, n)) for n in range(WRITERS)]
    threads += [threading.Thread(target=tx_writer, args=(shared, n)) for n in range(TX_WRITERS)]
    threads += [threading.Thread(target=reader, args=(shared, n)) for n in range(READERS)]
    started = time.time()
    for t in threads:
        t.start()
    stop_file = os.path.join(logdir, "stop")
    while not os.path.exists(stop_file):
        time.sleep(0.1)
    shared.stop.set()
    for t in threads:
        t.join()
    summary = {"seconds": round(time.time() - started, 1), "counts": shared.counts, "failures": shared.failures,
               "slowest": shared.slowest,
               "violations": shared.violations}
    with open(os.path.join(logdir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)


def scan_all():
    db = client()
    items, start = {}, None
    while True:
        args = {"TableName": TABLE, "ConsistentRead": True}
        if start:
            args["ExclusiveStartKey"] = start
        answer = db.scan(**args)
        for i in answer["Items"]:
            items[f"{i['pk']['S']}/{i['sk']['N']}"] = int(i["v"]["N"])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return items


def verify(logdir):
    """every logged acknowledgement is in the table; returns the number of violations"""
    final = scan_all()
    problems, acked_total, failed_total, uncertain_left = [], 0, 0, 0
    for name in sorted(os.listdir(logdir)):
        if not (name.startswith("writer-") or name.startswith("tx-")):
            continue
        last = {}   # key -> (known version, attempted version or None)
        for line in open(os.path.join(logdir, name)):
            word, key, version = line.split()[:3]
            if word == "acked":
                acked_total += 1
                last[key] = (int(version), None)
            elif word == "resync":
                last[key] = (int(version), None)
            elif word == "failed":
                failed_total += 1
                last[key] = (last.get(key, (0, None))[0], int(version))
        for key, (known, attempted) in last.items():
            if name.startswith("tx-"):
                versions = [final.get(k, 0) for k in group_keys(key)]
                if len(set(versions)) != 1:
                    problems.append(f"transaction group {key} half-applied: {versions}")
                    continue
                seen = versions[0]
            else:
                seen = final.get(key, 0)
            allowed = {known} if attempted is None else {known, attempted}
            uncertain_left += attempted is not None
            if seen not in allowed:
                problems.append(f"{key}: v={seen} in the table, the log allows {sorted(allowed)}")
    # the GSI ByV (every write changes v, so moves its entry) has exactly one entry per item, with its v
    conn = psycopg2.connect(host=HOST, port=PORT, user="postgres", dbname="postgres")
    with conn.cursor() as cur:
        cur.execute(f"""SELECT count(*) FILTER (WHERE g.table_pk IS NULL), count(*) FILTER (WHERE t.pk IS NULL),
                               count(*) FILTER (WHERE NOT coalesce(g.pk OPERATOR(dynamo.=) dynamo.get(t.item, 'v'),
                                                                   g.pk IS NULL AND dynamo.get(t.item, 'v') IS NULL)),
                               count(g.pk)
                          FROM dynamo_data."{TABLE}" t
                          FULL JOIN dynamo_data."{TABLE}:ByV" g
                            ON t.pk OPERATOR(dynamo.=) g.table_pk AND t.sk OPERATOR(dynamo.=) g.table_sk""")
        missing, extra, wrong, entries = cur.fetchone()
    conn.close()
    print(f"verify: GSI ByV has {entries} entries; {missing} items without one, {extra} entries without an item, "
          f"{wrong} with another v than their item")
    if missing or extra or wrong:
        problems.append(f"GSI ByV out of step with the table: {missing} missing, {extra} extra, {wrong} wrong")
    bulk = sum(1 for k in final if k.startswith("bulk-"))
    expected_bulk = int(os.environ.get("LOAD_FILL", "0"))
    if bulk != expected_bulk:
        problems.append(f"{bulk} bulk items in the table, {expected_bulk} written")
    print(f"verify: {acked_total} acknowledged writes in the logs ({failed_total} failed, {uncertain_left} keys "
          f"whose last write failed), {len(final)} items in the table ({bulk} bulk): "
          f"{'every acknowledged write present' if not problems else str(len(problems)) + ' violations'}")
    for p in problems[:20]:
        print("  " + p)
    return len(problems)


def report(logdir, strict_phases):
    """the figures of the run per phase; returns 1 when a violation happened, or a failure a client would not
    retry happened in one of strict_phases"""
    summary = json.load(open(os.path.join(logdir, "summary.json")))
    bad = bool(summary["violations"])
    print(f"load: {summary['seconds']} s")
    order = ["before", "move", "kill", "down", "restart", "recovered", "after"]
    phases = sorted(summary["counts"].keys() | summary["failures"].keys(),
                    key=lambda p: order.index(p) if p in order else len(order))
    for phase in phases:
        counts = summary["counts"].get(phase, {})
        failures = summary["failures"].get(phase, {})
        slowest = summary.get("slowest", {}).get(phase, {})
        print(f"  {phase}: " + ", ".join(f"{v} {k}" + (f" (slowest {slowest[k]} s)" if k in slowest else "")
                                         for k, v in sorted(counts.items())))
        for what, n in sorted(failures.items()):
            print(f"  {phase}: {n} failed: {what}")
            bad |= phase in strict_phases and what.endswith("(final)")
    for v in summary["violations"][:20]:
        print("  VIOLATION " + v)
    return 1 if bad else 0


def fill(count):
    """count items bulk-<n>/<m> of 1 KB (BatchWriteItem), so that the shards hold more than the load's keys"""
    db = client()
    items = [{"PutRequest": {"Item": {"pk": {"S": f"bulk-{i // 10}"}, "sk": {"N": str(i % 10)}, "v": {"N": "1"},
                                      "pad": {"S": "b" * 1000}}}} for i in range(count)]
    for start in range(0, count, 25):
        pending = {TABLE: items[start:start + 25]}
        while pending:
            pending = db.batch_write_item(RequestItems=pending).get("UnprocessedItems") or None


def setup():
    conn = psycopg2.connect(host=HOST, port=PORT, user="postgres", dbname="postgres")
    conn.autocommit = True
    db = client()
    db.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                          {"AttributeName": "sk", "AttributeType": "N"},
                                          {"AttributeName": "v", "AttributeType": "N"}],
                    GlobalSecondaryIndexes=[{"IndexName": "ByV", "Projection": {"ProjectionType": "KEYS_ONLY"},
                                             "KeySchema": [{"AttributeName": "v", "KeyType": "HASH"},
                                                           {"AttributeName": "pk", "KeyType": "RANGE"}]}])
    with conn.cursor() as cur:
        shard_count = int(os.environ.get("LOAD_SHARD_COUNT", "8"))
        cur.execute("SELECT dynamo.distribute_table(%s, %s)", (TABLE, shard_count))


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "setup":
        setup()
    elif command == "report":
        sys.exit(report(sys.argv[2], sys.argv[3:]))
    elif command == "fill":
        fill(int(sys.argv[2]))
    elif command == "run":
        run(sys.argv[2])
    elif command == "verify":
        sys.exit(1 if verify(sys.argv[2]) else 0)
    else:
        print(__doc__)
        sys.exit(2)
