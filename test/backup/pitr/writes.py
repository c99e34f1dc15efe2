#!/usr/bin/env python3
# writes.py: one writer's part of the scripted history of check_pitr.sh, as
# a psql script: COUNT transactions, each one write through dynamo.execute
# (PutItem, UpdateItem, DeleteItem, TransactWriteItems, BatchWriteItem, a
# conditional PutItem that may fail) on the two tables PitrMain (pk S, sk N,
# an LSI on ls, a GSI on g) and PitrHash (pk S), followed by the
# transaction's id into pitr_writes.  A write that fails (a condition, a
# conflict with another writer, a deadlock) aborts its transaction, id and
# all: pitr_writes lists exactly the transactions that changed the tables.
#
#   writes.py SEED COUNT [KEYS]     (KEYS: partition keys of PitrMain, 30)
import json
import random
import sys

seed, count = int(sys.argv[1]), int(sys.argv[2])
keys = int(sys.argv[3]) if len(sys.argv) > 3 else 30
rng = random.Random(seed)


def s(v):
    return {"S": v}


def n(v):
    return {"N": str(v)}


def main_key():
    return {"pk": s("p%02d" % rng.randrange(keys)), "sk": n(rng.randrange(10))}


def hash_key():
    return {"pk": s("h%03d" % rng.randrange(100))}


def main_item(key=None):
    key = key or main_key()
    item = dict(key, v=n(rng.randrange(1000)), s=s("w%d-%d" % (seed, rng.randrange(10 ** 6))))
    if rng.random() < 0.7:
        item["g"] = s("g%d" % rng.randrange(5))
    if rng.random() < 0.7:
        # unique within an item collection: the LSI's order has no ties
        item["ls"] = s("%s%s" % (rng.choice("abcxyz"), key["sk"]["N"]))
    if rng.random() < 0.15:
        item["big"] = s("b" * rng.randrange(2500, 6000))      # stored out of line
    return item


def hash_item(key=None):
    key = key or hash_key()
    item = dict(key, v=n(rng.randrange(1000)))
    if rng.random() < 0.2:
        item["big"] = s("h" * rng.randrange(2500, 6000))
    return item


def update(key):
    """an UpdateItem's expression members for a key of PitrMain"""
    choice = rng.randrange(5)
    values = {":one": n(1), ":zero": n(0)}
    if choice == 0:
        expr = "SET v = if_not_exists(v, :zero) + :one"
    elif choice == 1:
        expr, values = "REMOVE g, big", {}
    elif choice == 2:
        expr, values = "SET g = :g", {":g": s("g%d" % rng.randrange(5))}
    elif choice == 3:
        expr, values = "SET ls = :ls", {":ls": s("%s%s" % (rng.choice("mnop"), key["sk"]["N"]))}
    else:
        expr, values = "REMOVE ls ADD c :one", {":one": n(1)}
    request = {"Key": key, "UpdateExpression": expr}
    if values:
        request["ExpressionAttributeValues"] = values
    return request


def distinct(make, how_many):
    """how_many keys, all different"""
    seen, out = set(), []
    while len(out) < how_many:
        key = make()
        text = json.dumps(key, sort_keys=True)
        if text not in seen:
            seen.add(text)
            out.append(key)
    return out


def one_write():
    r = rng.random()
    if r < 0.25:
        return "PutItem", {"TableName": "PitrMain", "Item": main_item()}
    if r < 0.35:
        return "PutItem", {"TableName": "PitrHash", "Item": hash_item()}
    if r < 0.55:
        return "UpdateItem", dict(update(main_key()), TableName="PitrMain")
    if r < 0.65:
        return "DeleteItem", {"TableName": "PitrMain", "Key": main_key()}
    if r < 0.70:
        return "DeleteItem", {"TableName": "PitrHash", "Key": hash_key()}
    if r < 0.75:
        return "PutItem", {"TableName": "PitrMain", "Item": main_item(),
                           "ConditionExpression": "attribute_not_exists(pk)"}
    if r < 0.88:
        actions = []
        for key in distinct(main_key, rng.randrange(1, 4)):
            kind = rng.randrange(3)
            if kind == 0:
                actions.append({"Put": {"TableName": "PitrMain", "Item": main_item(key)}})
            elif kind == 1:
                actions.append({"Update": dict(update(key), TableName="PitrMain")})
            else:
                actions.append({"Delete": {"TableName": "PitrMain", "Key": key}})
        for key in distinct(hash_key, rng.randrange(0, 3)):
            actions.append({"Put": {"TableName": "PitrHash", "Item": hash_item(key)}} if rng.random() < 0.6
                           else {"Delete": {"TableName": "PitrHash", "Key": key}})
        return "TransactWriteItems", {"TransactItems": actions}
    requests = {"PitrMain": [{"PutRequest": {"Item": main_item(k)}} if rng.random() < 0.7
                             else {"DeleteRequest": {"Key": k}} for k in distinct(main_key, rng.randrange(1, 8))]}
    if rng.random() < 0.5:
        requests["PitrHash"] = [{"PutRequest": {"Item": hash_item(k)}} if rng.random() < 0.7
                                else {"DeleteRequest": {"Key": k}} for k in distinct(hash_key, rng.randrange(1, 5))]
    return "BatchWriteItem", {"RequestItems": requests}


for _ in range(count):
    action, request = one_write()
    body = json.dumps(request)
    assert "$w$" not in body
    print("BEGIN;")
    print("SELECT dynamo.execute('%s', $w$%s$w$) IS NOT NULL;" % (action, body))
    print("INSERT INTO pitr_writes VALUES (pg_catalog.txid_current());")
    print("COMMIT;")
