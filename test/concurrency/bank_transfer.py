"""bank_transfer.py: concurrent money transfers through the wire endpoint with TransactWriteItems.

ACCOUNTS accounts start with START each. CLIENTS threads, each with its own
boto3 client, move random amounts between random accounts for SECONDS
seconds, one TransactWriteItems per transfer:

    Update source      SET balance = balance - :a   IF balance >= :a
    Update destination SET balance = balance + :a

and one more thread reads every account at once with TransactGetItems. The
test passes when:
  - no request hangs (every call answers within its read timeout, every
    thread ends) and none fails other than as a cancellation;
  - every cancellation's reasons are None, ConditionalCheckFailed or
    TransactionConflict, with at least one that is not None;
  - each consistent read of all the accounts sums to the starting total and
    holds no negative balance (or is cancelled with TransactionConflict);
  - at the end, the total is unchanged, no balance is negative, and each
    account holds exactly START plus what committed transfers brought it
    minus what they took (no lost and no phantom transfer);
  - transfers did commit, and some were refused for want of funds.

Environment: DYNAMO_ENDPOINT, DYNAMO_KEY_ID, DYNAMO_SECRET; ACCOUNTS (20),
CLIENTS (8), LOAD_SECONDS (15), START (1000).
"""
import collections
import os
import random
import sys
import threading
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["DYNAMO_ENDPOINT"]
KEY_ID = os.environ["DYNAMO_KEY_ID"]
SECRET = os.environ["DYNAMO_SECRET"]
ACCOUNTS = int(os.environ.get("ACCOUNTS", 20))
CLIENTS = int(os.environ.get("CLIENTS", 8))
SECONDS = float(os.environ.get("LOAD_SECONDS", 15))
START = int(os.environ.get("START", 1000))
TABLE = "BankTransfer"
CALL_TIMEOUT = 30          # seconds: a call that takes longer is a hang
ALLOWED = {"None", "ConditionalCheckFailed", "TransactionConflict"}


def client():
    return boto3.client("dynamodb", endpoint_url=ENDPOINT, region_name="us-east-1",
                        aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET,
                        config=Config(retries={"max_attempts": 0}, read_timeout=CALL_TIMEOUT,
                                      connect_timeout=10))


def name(i):
    return f"acct{i:03}"


def fail(message):
    print(f"bank transfer: FAILED: {message}")
    sys.exit(1)


class Ledger:
    """What the clients know was committed, and every other outcome."""

    def __init__(self):
        self.lock = threading.Lock()
        self.delta = collections.Counter()
        self.outcomes = collections.Counter()
        self.problems = []

    def note(self, outcome):
        with self.lock:
            self.outcomes[outcome] += 1

    def problem(self, text):
        with self.lock:
            self.problems.append(text)


def reasons_of(failed):
    """The reason codes of a TransactionCanceledException, or None for any other error."""
    response = failed.response
    if response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return None
    return [r.get("Code") for r in response.get("CancellationReasons") or []]


def transfers(ledger, seed, deadline):
    ddb = client()
    rng = random.Random(seed)
    while time.time() < deadline:
        src, dst = rng.sample(range(ACCOUNTS), 2)
        # mostly small amounts; now and then more than an account is likely to hold
        amount = rng.randint(1, 200) if rng.random() < 0.9 else rng.randint(START, 3 * START)
        value = {":a": {"N": str(amount)}}
        try:
            ddb.transact_write_items(TransactItems=[
                {"Update": {"TableName": TABLE, "Key": {"id": {"S": name(src)}},
                            "UpdateExpression": "SET balance = balance - :a",
                            "ConditionExpression": "balance >= :a", "ExpressionAttributeValues": value}},
                {"Update": {"TableName": TABLE, "Key": {"id": {"S": name(dst)}},
                            "UpdateExpression": "SET balance = balance + :a", "ExpressionAttributeValues": value}},
            ])
        except ClientError as failed:
            codes = reasons_of(failed)
            if codes is None:
                ledger.problem(f"transfer {src}->{dst}: {failed.response.get('Error')}")
                continue
            if len(codes) != 2 or not set(codes) <= ALLOWED or set(codes) == {"None"}:
                ledger.problem(f"transfer {src}->{dst}: reasons {codes} ({failed.response['Error'].get('Message')})")
                continue
            if codes[1] == "ConditionalCheckFailed":
                ledger.problem(f"transfer {src}->{dst}: the destination has no condition, yet {codes}")
            ledger.note("cancelled: " + ", ".join(codes))
            continue
        except Exception as failed:     # noqa: BLE001 -- a read timeout is a hang
            ledger.problem(f"transfer {src}->{dst}: {failed!r}")
            continue
        with ledger.lock:
            ledger.delta[src] -= amount
            ledger.delta[dst] += amount
            ledger.outcomes["committed"] += 1


def auditor(ledger, deadline):
    """Every account at once, in one snapshot: the total never moves."""
    ddb = client()
    groups = [list(range(i, min(i + 100, ACCOUNTS))) for i in range(0, ACCOUNTS, 100)]
    if len(groups) != 1:
        return      # more than 100 accounts cannot be read in one TransactGetItems
    while time.time() < deadline:
        try:
            got = ddb.transact_get_items(TransactItems=[
                {"Get": {"TableName": TABLE, "Key": {"id": {"S": name(i)}}, "ProjectionExpression": "balance"}}
                for i in groups[0]])
        except ClientError as failed:
            codes = reasons_of(failed)
            if codes is None or not set(codes) <= {"None", "TransactionConflict"} or set(codes) == {"None"}:
                ledger.problem(f"audit: {failed.response.get('Error')} {codes}")
            else:
                ledger.note("audit cancelled")
            continue
        except Exception as failed:     # noqa: BLE001
            ledger.problem(f"audit: {failed!r}")
            continue
        balances = [int(r["Item"]["balance"]["N"]) for r in got["Responses"]]
        if sum(balances) != ACCOUNTS * START or min(balances) < 0:
            ledger.problem(f"audit: a snapshot sums to {sum(balances)}, lowest {min(balances)}")
        ledger.note("audit ok")


def main():
    ddb = client()
    try:
        ddb.delete_table(TableName=TABLE)
    except ClientError:
        pass
    ddb.create_table(TableName=TABLE, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                     AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                     BillingMode="PAY_PER_REQUEST")
    for i in range(ACCOUNTS):
        ddb.put_item(TableName=TABLE, Item={"id": {"S": name(i)}, "balance": {"N": str(START)}})

    ledger = Ledger()
    deadline = time.time() + SECONDS
    threads = [threading.Thread(target=transfers, args=(ledger, seed, deadline), daemon=True)
               for seed in range(CLIENTS)]
    threads.append(threading.Thread(target=auditor, args=(ledger, deadline), daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0, deadline - time.time()) + CALL_TIMEOUT + 5)
    if any(t.is_alive() for t in threads):
        fail(f"{sum(t.is_alive() for t in threads)} client(s) still running {CALL_TIMEOUT + 5}s after the end")

    items = []
    request = {"TableName": TABLE, "ConsistentRead": True}
    while True:
        page = ddb.scan(**request)
        items += page["Items"]
        if "LastEvaluatedKey" not in page:
            break
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    balances = {item["id"]["S"]: int(item["balance"]["N"]) for item in items}
    total = sum(balances.values())
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted(ledger.outcomes.items()))
    print(f"bank transfer: {ACCOUNTS} accounts, {CLIENTS} clients, {SECONDS:g}s: {outcomes}")
    print(f"bank transfer: total {total} (started {ACCOUNTS * START}), lowest balance {min(balances.values())}")
    for problem in ledger.problems[:20]:
        print(f"bank transfer: problem: {problem}")
    if ledger.problems:
        fail(f"{len(ledger.problems)} problem(s)")
    if len(balances) != ACCOUNTS:
        fail(f"{len(balances)} accounts, expected {ACCOUNTS}")
    if total != ACCOUNTS * START:
        fail(f"the total moved from {ACCOUNTS * START} to {total}")
    if min(balances.values()) < 0:
        fail("a balance went negative")
    wrong = {name(i): (balances[name(i)], START + ledger.delta[i]) for i in range(ACCOUNTS)
             if balances[name(i)] != START + ledger.delta[i]}
    if wrong:
        fail(f"balances differ from the committed transfers (got, expected): {wrong}")
    if ledger.outcomes["committed"] == 0:
        fail("no transfer committed")
    if not any("ConditionalCheckFailed" in k for k in ledger.outcomes):
        print("bank transfer: note: no transfer was refused for want of funds")
    if not any("TransactionConflict" in k for k in ledger.outcomes):
        print("bank transfer: note: the transfers never conflicted")
    ddb.delete_table(TableName=TABLE)
    print("bank transfer: ok")


if __name__ == "__main__":
    main()
