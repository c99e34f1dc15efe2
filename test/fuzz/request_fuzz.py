#!/usr/bin/python3
"""request_fuzz.py: a structure-aware fuzzer of whole DynamoDB requests.

It starts from the valid requests of request_seeds.json (every action of
src/api/execute.c, with expressions and with the legacy parameters), mutates
them (members dropped, nulled, emptied, of the wrong JSON type; huge, negative
and out-of-range numbers; 70 KB strings, 10k-element lists, nesting 10,000
deep; unknown members; attribute values with no or two type descriptors; NUL
and odd unicode; invalid UTF-8; members swapped in from other requests; one
to six mutations at once) and sends each one through the wire endpoint (HTTP
POST, dynamo.http_auth=off) and through SELECT dynamo.execute(action,
request::jsonb) (requests that jsonb cannot hold go to the endpoint only).

It fails (exit 1, the reproducer printed and saved) on:
  - a crashed server process: the SQL connection lost, the endpoint's
    connection dropped, an endpoint worker replaced, the postmaster
    restarted, or the server log saying "terminated by signal", "was
    terminated by", "PANIC" or "TRAP";
  - an HTTP 5xx whose __type is not InternalServerError, an HTTP response
    that is not JSON, or whose x-amz-crc32 is wrong;
  - a request slower than --bound seconds (a watchdog ends the run when one
    never comes back);
  - a rejected request that changed data: every table's catalog row and
    items are digested after each request; a rejected request must leave
    the digest as it was.
Internal errors (HTTP InternalServerError, through SQL an SQLSTATE outside
the DynamoDB exceptions' class YD) are not failures: their distinct messages
are listed at the end, each with the first request that raised it.

Generation is deterministic: request i of --seed S is made from Random("S:i")
alone, so "--seed S --index i --show" prints it again.  Known crashes in
src/api/ that are reported but not fixed yet are skipped through the
KNOWN_CRASHES list below, each with its reason; the list is meant to empty.

  request_fuzz.py --seed 1 --count 20000           the CI sweep (request_fuzz.sh)
  request_fuzz.py --seed 7 --seconds 3600 --keep-going --findings DIR
  request_fuzz.py --replay FILE...                 send saved reproducers
  request_fuzz.py --seed 1 --index 123 --show      print one generated request
  request_fuzz.py --minimize FILE                  shrink a saved reproducer

The database comes from the libpq environment (PGHOST, PGPORT, ...), the
endpoint from --endpoint, the server log from --server-log.
"""
import argparse
import base64
import copy
import http.client
import json
import os
import random
import sys
import threading
import time
import urllib.parse
import zlib

import psycopg2
import psycopg2.errors

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET_PREFIX = "DynamoDB_20120810."
# the actions of DynamoDB Streams, which the endpoint serves under their own target prefix
STREAMS_TARGET_PREFIX = "DynamoDBStreams_20120810."
STREAMS_ACTIONS = {"ListStreams", "DescribeStream", "GetShardIterator", "GetRecords"}
CONTROL_PLANE = {"CreateTable", "UpdateTable", "DeleteTable", "UpdateTimeToLive", "TagResource", "UntagResource",
                 "CreateBackup", "DeleteBackup", "RestoreTableFromBackup", "RestoreTableToPointInTime",
                 "UpdateContinuousBackups", "ImportTable"}
MAX_BODY_BYTES = 2 * 1024 * 1024

# ---------------------------------------------------------------------------
# Known crashes inside src/api/ (being rewritten): reported, not fixed there.
# Each entry: an id, the reason, and a predicate on (action, request) that
# matches the requests that reach the crash.  Requests that match are skipped.
# Empty this list when src/api/ is fixed.
# ---------------------------------------------------------------------------


def _is_object(value):
    return isinstance(value, dict)


KNOWN_CRASHES = [
    # None today. An entry looks like this (the request shape that reaches the
    # crash, as narrow as the cause allows; the reason says where and who knows):
    # {"id": "query-empty-key-conditions",
    #  "reason": "SIGSEGV in src/api/<file>.c:<line>: <cause>; reported to the lead, <date>",
    #  "match": lambda action, r: action == "Query" and _is_object(r) and r.get("KeyConditions") == {}},
]


# ---------------------------------------------------------------------------
# JSON values the standard library cannot write
# ---------------------------------------------------------------------------

class Raw:
    """JSON text written as is: numbers like 1e400, deep nesting, invalid
    UTF-8, duplicated members.  sql_ok is False when jsonb cannot hold it."""

    __slots__ = ("text", "sql_ok", "label")

    def __init__(self, text, sql_ok=True, label=""):
        self.text = text if isinstance(text, bytes) else text.encode()
        self.sql_ok = sql_ok
        self.label = label

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return "Raw(%s)" % (self.label or self.text[:40])


def refuse(value):
    raise TypeError("not JSON: %r" % (value,))


def encode(value, ascii_only=False):
    """The JSON bytes of a value (dicts, lists, str, int, float, bool, None, Raw)."""
    out = []
    sql_ok = [True]

    def string(s):
        if "\x00" in s:
            sql_ok[0] = False
        try:
            if not ascii_only:
                return json.dumps(s, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            pass
        text = json.dumps(s, ensure_ascii=True)
        if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            sql_ok[0] = False       # a lone surrogate: jsonb refuses it
        return text.encode()

    def fast(v):
        """A container without Raw values through the C encoder, or None."""
        try:
            text = json.dumps(v, ensure_ascii=ascii_only, separators=(",", ":"), default=refuse)
        except TypeError:
            return None
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return None         # a lone surrogate: the slow path escapes it
        if "\\u0000" in text:
            sql_ok[0] = False
        if ascii_only and "\\ud" in text:
            try:
                json.dumps(v, ensure_ascii=False).encode("utf-8")
            except UnicodeEncodeError:
                sql_ok[0] = False
        return data

    def walk(v):
        if isinstance(v, (dict, list)):
            data = fast(v)
            if data is not None:
                out.append(data)
                return
        if isinstance(v, Raw):
            if not v.sql_ok:
                sql_ok[0] = False
            out.append(v.text)
        elif isinstance(v, dict):
            out.append(b"{")
            first = True
            for k, x in v.items():
                if not first:
                    out.append(b",")
                first = False
                out.append(string(k))
                out.append(b":")
                walk(x)
            out.append(b"}")
        elif isinstance(v, list):
            out.append(b"[")
            for i, x in enumerate(v):
                if i:
                    out.append(b",")
                walk(x)
            out.append(b"]")
        elif isinstance(v, str):
            out.append(string(v))
        elif v is True:
            out.append(b"true")
        elif v is False:
            out.append(b"false")
        elif v is None:
            out.append(b"null")
        elif isinstance(v, int):
            out.append(str(v).encode())
        elif isinstance(v, float):
            out.append(repr(v).encode())
        else:
            raise TypeError(type(v))

    walk(value)
    return b"".join(out), sql_ok[0]


# ---------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------

NUMBER_TEXTS = [
    "0", "-0", "1", "-1", "2", "1024", "1025", "2147483647", "2147483648", "-2147483649",
    "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
    "18446744073709551616", "1e400", "-1e400", "1E-400", "1e19", "1.5", "-0.0", "0.1",
    "123456789012345678901234567890123456789", "-123456789012345678901234567890123456789",
    "12345678901234567890123456789012345678", "9.99E+125", "1E+126", "1E-130", "1E-131",
    "1" + "0" * 200, "1e1000000", "0e-100000", "100000000000000000000.000000000000000000001",
    "25", "26", "99", "100", "101", "999999", "1000000", "1000001", "40000", "1048576",
]
NUMBER_STRINGS = NUMBER_TEXTS + [
    "", " 1", "1 ", "+1", ".5", "5.", "0x10", "1e", "e5", "--1", "NaN", "Infinity", "-Infinity",
    "1,5", "1_000", "٣", "1e+", "00001", "0.000000000000000000000000000000000000000000001",
    "99999999999999999999999999999999999999", "1" * 39, "-" + "9" * 38 + "e125", "1E+125",
]
ODD_STRINGS = [
    "", " ", "a", "\x00", "a\x00b", "#", ":", ".", "[0]", "#n", ":v", "a.b", "a[1]", "$", "\\",
    "\"", "'", "é", "\u2603", "\U0001F600", "\uffff", "\ufeff", "\u202e", "e\u0301", "\u0085",
    "\ud800", "\udfff", "\U0010FFFF", "\u0001\u001f", "NULL", "null", "true", "SET", "REMOVE",
    "AND", "size", "ALL_OLD", "PAY_PER_REQUEST", "HASH", "RANGE", "S", "N", "B", "id", "pk", "sk",
    "FuzzHash", "FuzzRange", "FuzzBin", "FuzzVersioned", "FuzzScratch", "dynamo", "pg_class",
    "a" * 255, "a" * 256, "a" * 1025, "a" * 2049, "é" * 1000, "x" * 70000,
    "\U0001F600" * 20000, "%s%n%d", "'; DROP TABLE x; --", "a" * 65536,
    # the other values of DynamoDB's enums, so that valid-but-different choices are tried
    "NONE", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW", "TOTAL", "INDEXES", "SIZE", "COUNT",
    "SPECIFIC_ATTRIBUTES", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "PROVISIONED", "OR",
    "PUT", "ADD", "DELETE", "EQ", "BETWEEN", "BEGINS_WITH", "NOT_NULL", "IN", "CONTAINS",
]
EXPRESSION_TOKENS = [
    " ", "(", ")", ",", ".", "[", "]", "[0]", "[9999999999]", "[-1]", "=", "<>", "<", "<=", ">",
    ">=", "+", "-", " AND ", " OR ", "NOT ", " BETWEEN ", " IN ", "SET ", "REMOVE ", "ADD ",
    "DELETE ", "attribute_exists(", "attribute_not_exists(", "attribute_type(", "begins_with(",
    "contains(", "size(", "if_not_exists(", "list_append(", "#n", "#k", "#p", "#s", "#m", "#d",
    "#missing", ":v", ":n", ":one", ":p", ":a", ":b", ":missing", "a", "n", "l", "m", "id", "pk",
    "sk", "\x00", "\u2603", "(" * 300, ")" * 300, "a." * 300, "[1]" * 300, ":v," * 200,
    "NOT " * 500, "a = a AND " * 100, ";", "#", ":", "`", "'",
]
UNKNOWN_MEMBERS = [
    "Foo", "tablename", "TableName ", "__type", "", "\x00", "Item\x00", "ReturnValues2",
    "KeyConditions", "QueryFilter", "Expected", "AttributesToGet", "ConditionalOperator",
    "ExclusiveStartKey", "Segment", "TotalSegments", "IndexName", "Limit", "Select",
    "ProjectionExpression", "FilterExpression", "ConditionExpression", "UpdateExpression",
    "KeyConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues",
    "AttributeUpdates", "ScanFilter", "RequestItems", "ConsistentRead", "ReturnConsumedCapacity",
    "LocalSecondaryIndexes", "GlobalSecondaryIndexes", "StreamSpecification", "DynamoOptions",
    "ScanIndexForward", "Key", "Item", "Keys", "AttributeValueList", "ComparisonOperator",
    "Value", "Exists", "Action", "PutRequest", "DeleteRequest", "GlobalSecondaryIndexUpdates",
    "ReturnItemCollectionMetrics", "ExclusiveStartTableName", "ReturnValuesOnConditionCheckFailure",
]
ODD_ATTRIBUTE_VALUES = [
    {}, {"S": "a", "N": "1"}, {"S": "a", "S ": "b"}, {"Q": "x"}, {"s": "x"}, {"S": 1}, {"S": None},
    {"S": ["a"]}, {"S": {}}, {"N": 5}, {"N": "abc"}, {"N": "1e400"}, {"N": "1E+126"},
    {"N": "-1e-131"}, {"N": "1" * 39}, {"N": ""}, {"N": " 1"}, {"N": "NaN"}, {"SS": []},
    {"SS": ["a", "a"]}, {"SS": "a"}, {"SS": [1]}, {"SS": [None]}, {"NS": ["1", "1.0"]},
    {"NS": ["x"]}, {"NS": []}, {"BS": ["AA==", "AA=="]}, {"BS": ["!"]}, {"B": "!!"}, {"B": ""},
    {"B": "AAE"}, {"B": 5}, {"BOOL": "true"}, {"BOOL": None}, {"BOOL": 1}, {"NULL": False},
    {"NULL": "x"}, {"NULL": None}, {"M": []}, {"M": None}, {"L": {}}, {"L": None},
    {"M": {"": {"S": "x"}}}, {"L": [{}]}, {"M": {"a": {}}}, {"S": ""}, {"SS": [""]},
    {"L": [{"S": "a", "N": "1"}]}, {"M": {"a": {"Q": "1"}}}, {"S": "x" * 70000},
    {"B": "A" * 600000}, {"NS": [str(i) for i in range(1000)]}, {"SS": ["\x00"]},
    {"M": {"\x00": {"S": "x"}}}, {"N": "1", "NULL": True}, {"L": [], "M": {}},
]


COMPARISON_OPERATORS = ["EQ", "NE", "LE", "LT", "GE", "GT", "NOT_NULL", "NULL", "CONTAINS",
                        "NOT_CONTAINS", "BEGINS_WITH", "IN", "BETWEEN", "eq", "", "EXISTS"]
ATTRIBUTE_NAMES = ["id", "pk", "sk", "bk", "n", "s", "l", "m", "ss", "ns", "bs", "b", "v", "ver",
                   "tags", "data", "dot.name", "new", "", "a" * 300, "é", "m.k", "l[0]"]


def valid_value(rng, depth=0):
    """A well-formed AttributeValue of any type, some at DynamoDB's limits."""
    kind = rng.choice(["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"] if depth < 3
                      else ["S", "N", "B", "BOOL", "NULL"])
    if kind == "S":
        return {"S": rng.choice(["p", "a", "x", "é\u2603", "s1", "A" * rng.choice([1, 1024, 1025, 2048, 2049, 100000])])}
    if kind == "N":
        return {"N": rng.choice(["0", "-0", "1", "2", "3.5", "-1E-130", "9.99999999999999999999999999999999999999E+125",
                                 "1E+125", "10E+124", "0.00000000000000000000000000000000000001",
                                 "12345678901234567890123456789012345678", "-99", "1e2", "100"])}
    if kind == "B":
        return {"B": rng.choice(["AAEC", "AA==", "/w==", "", base64.b64encode(b"\xff" * rng.choice([1, 1024, 2049])).decode()])}
    if kind == "BOOL":
        return {"BOOL": rng.random() < 0.5}
    if kind == "NULL":
        return {"NULL": True}
    if kind == "SS":
        return {"SS": rng.sample(["x", "y", "z", "red", "é", "a" * 500], rng.randint(1, 4))}
    if kind == "NS":
        return {"NS": rng.sample(["1", "2.5", "-3", "1E+125", "1E-130", "0"], rng.randint(1, 4))}
    if kind == "BS":
        return {"BS": rng.sample(["AA==", "AQ==", "Ag==", "/w=="], rng.randint(1, 3))}
    if kind == "L":
        return {"L": [valid_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]}
    return {"M": {rng.choice(ATTRIBUTE_NAMES): valid_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}}


def legacy_condition(rng):
    """A legacy condition entry (Expected, QueryFilter, ScanFilter, KeyConditions)."""
    entry = {}
    if rng.random() < 0.8:
        entry["ComparisonOperator"] = rng.choice(COMPARISON_OPERATORS)
    if rng.random() < 0.8:
        entry["AttributeValueList"] = [valid_value(rng) if rng.random() < 0.85 else
                                       copy.deepcopy(rng.choice(ODD_ATTRIBUTE_VALUES))
                                       for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3]))]
    if rng.random() < 0.2:
        entry["Exists"] = rng.choice([True, False, None, "true"])
    if rng.random() < 0.2:
        entry["Value"] = valid_value(rng)
    return entry


def attribute_update(rng):
    """An AttributeUpdates entry."""
    entry = {}
    if rng.random() < 0.85:
        entry["Action"] = rng.choice(["PUT", "ADD", "DELETE", "put", "", "REMOVE"])
    if rng.random() < 0.75:
        entry["Value"] = valid_value(rng)
    return entry


def deep_nest(rng):
    """A value nested 33 to 10,000 levels deep: JSON arrays or objects, or
    DynamoDB M/L attribute values."""
    depth = rng.choice([33, 34, 64, 200, 1000, 5000, 10000])
    kind = rng.choice(["array", "object", "M", "L", "ML"])
    if kind == "array":
        text = "[" * depth + "1" + "]" * depth
    elif kind == "object":
        text = '{"a":' * depth + "1" + "}" * depth
    elif kind == "M":
        text = '{"M":{"a":' * depth + '{"S":"x"}' + "}}" * depth
    elif kind == "L":
        text = '{"L":[' * depth + '{"N":"1"}' + "]}" * depth
    else:
        text = '{"M":{"a":{"L":[' * depth + '{"N":"1"}' + "]}}}" * depth
    return Raw(text, True, "%s nested %d deep" % (kind, depth))


def random_scalar(rng):
    return rng.choice([None, True, False, 0, -1, 1.5, "", "x", [], {}, [1], {"a": 1},
                       Raw(rng.choice(NUMBER_TEXTS), True, "number")])


def invalid_utf8(rng):
    bad = rng.choice([b"\xff", b"\xc3", b"\xc3(", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                      b"\xc0\x80", b"\xe2\x82", b"\x80", b"\xfe\xfe\xff\xff"])
    prefix = rng.choice([b"", b"a", b"id", b"FuzzHash"])
    return Raw(b'"' + prefix + bad + b'"', False, "invalid UTF-8")


class Mutator:
    """Mutates a request tree in place; records what it did."""

    def __init__(self, rng, seeds):
        self.rng = rng
        self.seeds = seeds
        self.log = []

    # the locations of a tree: (container, key) for every value in it
    def locations(self, holder):
        out = []
        stack = [(holder, 0)]
        while stack:
            parent, key = stack.pop()
            out.append((parent, key))
            node = parent[key]
            if isinstance(node, dict):
                keys = list(node)
                if len(keys) > 40:
                    keys = self.rng.sample(keys, 40)
                stack.extend((node, k) for k in keys)
            elif isinstance(node, list):
                idx = range(len(node)) if len(node) <= 40 else self.rng.sample(range(len(node)), 40)
                stack.extend((node, i) for i in idx)
        return out

    def path_of(self, holder, parent, key):
        """A readable path of a location (best effort, for the log)."""
        if parent is holder:
            return "$"
        found = []

        def search(node, trail):
            if node is parent:
                found.append(trail + [key])
                return True
            if isinstance(node, dict):
                return any(search(v, trail + [k]) for k, v in node.items())
            if isinstance(node, list) and len(node) <= 100:
                return any(search(v, trail + [i]) for i, v in enumerate(node))
            return False

        search(holder[0], [])
        if not found:
            return "?"
        return "$" + "".join("[%d]" % p if isinstance(p, int) else "." + repr(p)[1:-1][:40]
                             for p in found[0])

    def mutate(self, holder):
        rng = self.rng
        locs = self.locations(holder)
        parent, key = rng.choice(locs[1:] or locs) if rng.random() < 0.98 else locs[0]
        where = self.path_of(holder, parent, key)
        node = parent[key]
        ops = [
            ("drop", 12), ("null", 6), ("empty", 8), ("wrong type", 8), ("number", 8),
            ("string", 10), ("string edit", 10), ("big list", 3), ("big object", 2), ("deep", 3),
            ("unknown member", 6), ("attribute value", 10), ("swap", 10), ("duplicate member", 2),
            ("invalid utf8", 2), ("repeat", 2), ("valid value", 10), ("legacy entry", 6),
        ]
        op = rng.choices([o for o, _ in ops], [w for _, w in ops])[0]
        new = node
        if op == "drop":
            if parent is holder:
                new = rng.choice([{}, [], None, "", 0])
            else:
                del parent[key]
                self.log.append("%s: drop" % where)
                return
        elif op == "null":
            new = None
        elif op == "empty":
            new = rng.choice([{}, [], ""])
        elif op == "wrong type":
            new = random_scalar(rng)
        elif op == "number":
            if isinstance(node, str) and rng.random() < 0.8:
                new = rng.choice(NUMBER_STRINGS)
            else:
                text = rng.choice(NUMBER_TEXTS)
                new = Raw(text, True, text[:20])
        elif op == "string":
            new = rng.choice(ODD_STRINGS)
        elif op == "string edit":
            if not isinstance(node, str):
                new = rng.choice(ODD_STRINGS)
            else:
                new = self.edit_string(node)
        elif op == "big list":
            element = rng.choice([1, "x", None, {"S": "x"}, {"N": "1"}, {}, [],
                                  copy.deepcopy(node) if len(encode(node)[0]) < 200 else 1])
            new = [copy.deepcopy(element) for _ in range(rng.choice([101, 1000, 10000]))]
        elif op == "big object":
            value = rng.choice([{"S": "x"}, 1, None, {"ComparisonOperator": "NULL"}])
            prefix = rng.choice(["a", "#n", ":v", "T", ""])
            new = {"%s%d" % (prefix, i): copy.deepcopy(value) for i in range(rng.choice([101, 10000]))}
        elif op == "deep":
            new = deep_nest(rng)
        elif op == "valid value":
            new = valid_value(rng)
            if isinstance(parent, dict) and parent is not holder and rng.random() < 0.3:
                name = rng.choice(ATTRIBUTE_NAMES)
                parent[name] = new
                self.log.append("%s: add attribute %r = %s" % (where, name[:30], describe(new)))
                return
        elif op == "legacy entry":
            new = legacy_condition(rng) if rng.random() < 0.7 else attribute_update(rng)
            if isinstance(parent, dict) and parent is not holder and rng.random() < 0.5:
                name = rng.choice(ATTRIBUTE_NAMES)
                parent[name] = new
                self.log.append("%s: add entry %r = %s" % (where, name[:30], describe(new)))
                return
        elif op == "unknown member":
            target = node if isinstance(node, dict) else parent if isinstance(parent, dict) else None
            if target is None:
                new = {rng.choice(UNKNOWN_MEMBERS): random_scalar(rng)}
            else:
                name = rng.choice(UNKNOWN_MEMBERS)
                target[name] = random_scalar(rng) if rng.random() < 0.5 else self.foreign_value()
                self.log.append("%s: add member %r" % (where, name[:30]))
                return
        elif op == "attribute value":
            new = copy.deepcopy(rng.choice(ODD_ATTRIBUTE_VALUES))
        elif op == "swap":
            if isinstance(parent, dict) and parent is not holder and rng.random() < 0.5:
                name, value = self.foreign_member()
                parent[name] = value
                self.log.append("%s: member %r from another request" % (where, name))
                return
            new = self.foreign_value()
        elif op == "duplicate member":
            if isinstance(node, dict) and node:
                name = rng.choice(list(node))
                text, ok = encode(node)
                extra, ok2 = encode({name: random_scalar(rng)})
                new = Raw(text[:-1] + (b"," if len(text) > 2 else b"") + extra[1:], ok and ok2,
                          "duplicated %r" % name)
            else:
                new = {"a": 1}
        elif op == "invalid utf8":
            if isinstance(parent, dict) and parent and rng.random() < 0.3:
                # an invalid member name: the object becomes raw text
                for gp, gk in locs:
                    if gp[gk] is parent:
                        members = list(parent.items())
                        first = invalid_utf8(rng).text + b":" + encode(members[0][1])[0]
                        rest = [encode({k: v})[0][1:-1] for k, v in members[1:]]
                        gp[gk] = Raw(b"{" + b",".join([first] + rest) + b"}", False, "invalid UTF-8 name")
                        self.log.append("%s: invalid UTF-8 member name" % where)
                        return
            new = invalid_utf8(rng)
        elif op == "repeat":
            if isinstance(node, str) and len(node) < 1000:
                new = node * rng.choice([2, 100, 1000])
            elif isinstance(node, list) and node and len(node) < 100:
                new = node * rng.choice([2, 26, 101])
            else:
                new = node
        parent[key] = new
        self.log.append("%s: %s -> %s" % (where, op, describe(new)))

    def edit_string(self, s):
        rng = self.rng
        kind = rng.choice(["truncate", "insert", "insert", "replace", "nul", "double"])
        pos = rng.randint(0, len(s)) if s else 0
        if kind == "truncate":
            return s[:pos]
        if kind == "insert":
            return s[:pos] + rng.choice(EXPRESSION_TOKENS) + s[pos:]
        if kind == "replace":
            end = min(len(s), pos + rng.randint(1, 8))
            return s[:pos] + rng.choice(EXPRESSION_TOKENS) + s[end:]
        if kind == "nul":
            return s[:pos] + "\x00" + s[pos:]
        return s + s

    def foreign_member(self):
        """A member (name, value) of a random location of another seed."""
        other = copy.deepcopy(self.rng.choice(self.seeds)["request"])
        members = []
        stack = [other]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                members.extend(node.items())
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
        if not members:
            return "TableName", "FuzzHash"
        return self.rng.choice(members)

    def foreign_value(self):
        return self.foreign_member()[1]


def describe(value):
    if isinstance(value, Raw):
        return value.label or "raw"
    text, _ = encode(value)
    if len(text) > 60:
        return "%s... (%d bytes)" % (text[:40].decode("utf-8", "replace"), len(text))
    return text.decode("utf-8", "replace")


class Case:
    """One request: action, tree (or raw body), how it was made."""

    def __init__(self, action, body, sql_ok, tree=None, origin="", log=()):
        self.action = action
        self.body = body
        self.sql_ok = sql_ok
        self.tree = tree
        self.origin = origin
        self.log = list(log)
        self.expect = None      # corpus: the endpoint's answer ("ok" or an exception name)


def generate(seed, index, seeds, actions):
    """Request index of the sweep seed: deterministic."""
    for attempt in range(10):
        case = generate_once(random.Random("%s:%d" % (seed, index) + (":%d" % attempt if attempt else "")),
                             seeds, actions)
        if len(case.body) <= MAX_BODY_BYTES:   # well under the endpoint's 16 MB
            break
    case.origin = "seed %s index %d%s (from %s)" % (seed, index, " attempt %d" % attempt if attempt else "",
                                                    case.origin)
    return case


def generate_once(rng, seeds, actions):
    entry = rng.choice(seeds)
    tree = copy.deepcopy(entry["request"])
    action = entry["action"]
    holder = [tree]
    mutator = Mutator(rng, seeds)
    n = rng.choices([0, 1, 2, 3, 4, 6], [2, 48, 25, 13, 8, 4])[0]
    for _ in range(n):
        mutator.mutate(holder)
    if rng.random() < 0.03:
        other = rng.choice(actions + ["Unknown", "", "describeTable", "Query\x00", "TransactWriteItems"])
        mutator.log.append("action %s -> %r" % (action, other))
        action = other
    body, sql_ok = encode(holder[0], ascii_only=rng.random() < 0.15)
    sql_ok = sql_ok and "\x00" not in action
    if rng.random() < 0.02:
        # text that is not JSON: the endpoint's parser alone
        cut = rng.randint(0, len(body))
        body = rng.choice([body[:cut], body[:cut] + rng.choice([b"}", b"]", b",", b"\x00", b"\"", b"{"]) + body[cut:],
                           body + rng.choice([b" x", b"}", b"\x00{}", b"\n\n"])])
        sql_ok = False
        mutator.log.append("body text cut or spliced at byte %d" % cut)
    origin = "%s seed #%d" % (entry["action"], seeds.index(entry))
    return Case(action, body, sql_ok, holder[0], origin, mutator.log)


# ---------------------------------------------------------------------------
# The server
# ---------------------------------------------------------------------------

class Failure(Exception):
    def __init__(self, kind, detail):
        super().__init__("%s: %s" % (kind, detail))
        self.kind = kind
        self.detail = detail


DIGEST_SQL = """
CREATE SCHEMA IF NOT EXISTS request_fuzz;
CREATE OR REPLACE FUNCTION request_fuzz.digest() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t record;
    items text;
    all_tables text := '';
BEGIN
    -- a table being filled by a background job (an import, a restore) changes, or goes, on its own
    FOR t IN SELECT table_name, relation_name, c::text AS meta FROM dynamo.tables c
              WHERE c.status <> 'CREATING' ORDER BY table_name LOOP
        BEGIN
            EXECUTE format('SELECT md5(coalesce(string_agg(item::text, %L ORDER BY pk, sk), %L)) FROM dynamo_data.%I',
                           ',', '', t.relation_name) INTO items;
        EXCEPTION WHEN undefined_table THEN
            CONTINUE;   -- dropped meanwhile by a job that failed
        END;
        all_tables := all_tables || t.meta || '=' || items || ';';
    END LOOP;
    -- the Time to Live settings
    IF to_regclass('dynamo.time_to_live') IS NOT NULL THEN
        SELECT all_tables || coalesce(string_agg(l::text, ',' ORDER BY l.table_name), '') || ';'
          INTO all_tables FROM dynamo.time_to_live l;
    END IF;
    -- the global secondary indexes, rows and catalog
    FOR t IN SELECT i.index_name, i.relation_name, i::text AS meta FROM dynamo.indexes i
              JOIN dynamo.tables c USING (table_name)
              WHERE i.is_global AND c.status <> 'CREATING' ORDER BY i.table_name, i.index_name LOOP
        BEGIN
            EXECUTE format('SELECT md5(coalesce(string_agg(t::text, %L ORDER BY t::text), %L)) FROM dynamo_data.%I t',
                           ',', '', t.relation_name) INTO items;
        EXCEPTION WHEN undefined_table THEN
            CONTINUE;   -- its table dropped meanwhile by a job that failed, as above
        END;
        all_tables := all_tables || t.meta || '=' || items || ';';
    END LOOP;
    RETURN md5(all_tables);
END $$;
"""


class Server:
    """The two doors, the fixtures and the crash checks."""

    def __init__(self, args, fixtures):
        self.args = args
        self.fixtures = fixtures
        url = urllib.parse.urlparse(args.endpoint)
        self.host, self.port = url.hostname, url.port or 80
        self.http = None
        self.db = None
        self.log_offset = 0
        self.log_path = args.server_log
        self.internal = {}
        self.connect()
        self.baseline = self.identity()
        if self.log_path and os.path.exists(self.log_path):
            self.log_offset = os.path.getsize(self.log_path)

    def connect(self):
        self.db = psycopg2.connect(self.args.dsn or "")
        self.db.autocommit = True
        with self.db.cursor() as cur:
            cur.execute("SET statement_timeout = %d" % int(self.args.bound * 2000))
            cur.execute("SET client_min_messages = warning")
            cur.execute("CREATE EXTENSION IF NOT EXISTS dynamo")
            cur.execute(DIGEST_SQL)
        self.http = http.client.HTTPConnection(self.host, self.port, timeout=self.args.bound * 3)

    def identity(self, with_digest=False):
        """What changes when a server process dies: start time, endpoint
        workers; and the digest of the tables when asked (one round trip)."""
        with self.db.cursor() as cur:
            cur.execute("SELECT pg_postmaster_start_time()::text, pg_backend_pid(), "
                        "(SELECT string_agg(pid::text, ',' ORDER BY pid) FROM pg_stat_activity "
                        " WHERE backend_type = 'dynamo http worker'), "
                        + ("request_fuzz.digest()" if with_digest else "NULL"))
            return cur.fetchone()

    def sql(self, query, params=None):
        with self.db.cursor() as cur:
            cur.execute(query, params)
            return cur.fetchall() if cur.description else None

    def execute(self, action, request):
        """dynamo.execute through SQL: the response, or raises psycopg2.Error."""
        return self.sql("SELECT dynamo.execute(%s, %s::jsonb)::text", (action, request))[0][0]

    # -- fixtures

    def reset_fixtures(self):
        """Every table deleted, the fixtures created and filled again (once
        the backfills of indexes being created are done: DeleteTable waits
        for them, as DynamoDB does)."""
        for _ in range(200):
            if self.sql("SELECT count(*) FROM dynamo.indexes WHERE status <> 'ACTIVE'")[0][0] == 0:
                break
            time.sleep(0.05)
        self.settle_jobs()
        for (name,) in self.sql("SELECT table_name FROM dynamo.tables ORDER BY 1"):
            self.delete_table(name)
        for table in self.fixtures["tables"]:
            self.execute("CreateTable", json.dumps(table))
        for item in self.fixtures["items"]:
            self.execute("PutItem", json.dumps(item))
        self.digest = self.current_digest()
        self.check_same_server()

    def delete_table(self, name):
        """DeleteTable of a fixture, again after a deadlock: a background job
        still running on the table (a point-in-time base copy waits up to a
        minute for transactions, longer than settle_jobs) holds the relation
        and then wants its catalog row, which DeleteTable holds while it waits
        for the relation; Postgres cancels one of the two."""
        for attempt in range(20):
            try:
                self.execute("DeleteTable", json.dumps({"TableName": name}))
                return
            except psycopg2.errors.DeadlockDetected:
                time.sleep(0.5)
        self.execute("DeleteTable", json.dumps({"TableName": name}))

    def settle_jobs(self):
        """Wait for the background jobs a request submitted (an import, a
        restore) to end: a table stays CREATING, and DeleteTable refuses it,
        until its job is done, and a job ending later would change the catalog
        behind the digest.  dynamo.run_jobs() runs them here; one that fails
        (an import from a bucket that is not mapped) raises, and is left to the
        job worker, which records the failure."""
        try:
            self.sql("SELECT dynamo.run_jobs()")
        except psycopg2.Error:
            pass
        for _ in range(400):
            if self.sql("SELECT (SELECT count(*) FROM dynamo.jobs WHERE status = 'PENDING')"
                        "     + (SELECT count(*) FROM dynamo.tables WHERE status = 'CREATING')")[0][0] == 0:
                return
            time.sleep(0.05)

    def check_same_server(self):
        """The endpoint must be this cluster's: another cluster started on the
        same port shares it (SO_REUSEPORT) and would answer some requests."""
        name = self.fixtures["tables"][0]["TableName"]
        table_id = self.sql("SELECT table_id::text FROM dynamo.tables WHERE table_name = %s", (name,))[0][0]
        for _ in range(4):
            status, _, data = self.send_http("DescribeTable", json.dumps({"TableName": name}).encode())
            got = json.loads(data).get("Table", {}).get("TableId") if status == 200 else None
            if got != table_id:
                sys.exit("request fuzz: the endpoint %s is not this database's (%s has TableId %s there, %s here): "
                         "is another cluster listening on its port?" % (self.args.endpoint, name, got, table_id))
            self.http.close()     # a new connection each time: SO_REUSEPORT spreads connections

    def current_digest(self):
        return self.sql("SELECT request_fuzz.digest()")[0][0]

    # -- the doors

    def send_http(self, action, body):
        """(status, headers, body bytes) from the endpoint."""
        headers = {"Content-Type": "application/x-amz-json-1.0",
                   "X-Amz-Target": (STREAMS_TARGET_PREFIX if action in STREAMS_ACTIONS else TARGET_PREFIX) + action}
        for attempt in (0, 1):
            try:
                self.http.request("POST", "/", body=body, headers=headers)
                response = self.http.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.http.close()
                return response.status, response, data
            except (ConnectionError, http.client.HTTPException) as e:
                self.http.close()
                # a keep-alive connection the server had closed while idle:
                # when no server process died, retry once on a new one
                if attempt == 0:
                    time.sleep(0.5)
                    self.check_alive()
                    continue
                raise Failure("crash", "the endpoint dropped the connection (%s)" % e.__class__.__name__)
            except TimeoutError:
                self.http.close()
                raise Failure("hang", "no answer from the endpoint in %ds" % (self.args.bound * 3))

    def check_http(self, status, response, data):
        """Raises Failure for a 5xx that is not InternalServerError, a body
        that is not JSON, a wrong CRC; returns (succeeded, error type)."""
        crc = response.getheader("x-amz-crc32")
        if crc is not None and int(crc) != zlib.crc32(data):
            raise Failure("bad response", "x-amz-crc32 %s but the body's is %d" % (crc, zlib.crc32(data)))
        try:
            parsed = json.loads(data.decode("utf-8"), parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
        except (UnicodeDecodeError, ValueError) as e:
            raise Failure("bad response", "HTTP %d with a body that is not JSON (%s): %r" % (status, e, data[:300]))
        if status == 200:
            if not isinstance(parsed, dict):
                raise Failure("bad response", "HTTP 200 with a body that is not an object")
            return True, None
        error_type = parsed.get("__type") if isinstance(parsed, dict) else None
        if not isinstance(error_type, str):
            raise Failure("bad response", "HTTP %d without __type: %r" % (status, data[:300]))
        if status >= 500 and not error_type.endswith("InternalServerError"):
            raise Failure("5xx", "HTTP %d %s" % (status, data[:300]))
        if error_type.endswith("InternalServerError") and not self.log_path:
            self.note_internal("http", "InternalServerError (the server log says why)")
        return False, error_type

    def note_internal(self, door, message):
        self.internal.setdefault((door, message), self.current_case)

    # -- crash checks

    def scan_log(self):
        """New lines of the server log: raise on a crash, note internal errors."""
        if not self.log_path:
            return
        try:
            with open(self.log_path, "rb") as f:
                f.seek(self.log_offset)
                data = f.read()
        except OSError:
            return
        end = data.rfind(b"\n") + 1
        self.log_offset += end
        crash = None
        for line in data[:end].decode("utf-8", "replace").splitlines():
            if "dynamo endpoint:" in line and " failed: " in line:
                self.note_internal("http", line.split(" failed: ", 1)[1][:200])
            if ("terminated by signal" in line or "was terminated by" in line or "PANIC:" in line
                    or "TRAP:" in line or "terminating any other active server processes" in line):
                crash = crash or line
        if crash:
            raise Failure("crash", "server log: %s" % crash.strip())

    def check_alive(self, with_digest=False):
        """Raise Failure when a server process died since the baseline;
        the identity (with the digest when asked) otherwise."""
        try:
            now = self.identity(with_digest)
        except psycopg2.Error as e:
            self.scan_log_quietly()
            raise Failure("crash", "the SQL connection was lost (%s)" % str(e).strip().splitlines()[0])
        if now[0] != self.baseline[0]:
            raise Failure("crash", "the postmaster restarted (%s, was %s)" % (now[0], self.baseline[0]))
        if now[2] != self.baseline[2]:
            raise Failure("crash", "endpoint workers changed: %s, were %s" % (now[2], self.baseline[2]))
        self.scan_log()
        return now

    def scan_log_quietly(self):
        try:
            self.scan_log()
        except Failure:
            pass

    def recover(self):
        """After a crash (--keep-going): wait for the server, reconnect, reset."""
        try:
            self.db.close()
        except Exception:
            pass
        self.http.close()
        deadline = time.time() + 120
        while True:
            try:
                time.sleep(1)
                self.connect()
                break
            except psycopg2.Error:
                if time.time() > deadline:
                    raise
        for _ in range(100):   # the endpoint workers come back after recovery
            self.baseline = self.identity()
            if self.baseline[2] and self.baseline[2].count(",") + 1 >= self.workers:
                break
            time.sleep(0.1)
        self.scan_log_quietly()
        self.reset_fixtures()

    workers = 1
    current_case = None

    # -- one request through both doors

    def run(self, case, doors):
        """Send a case; raise Failure.  Returns the outcomes per door."""
        self.current_case = case
        outcomes = []
        if "http" in doors:
            start = time.monotonic()
            status, response, data = self.send_http(case.action, case.body)
            elapsed = time.monotonic() - start
            ok, error = self.check_http(status, response, data)
            self.after(case, ok, elapsed, "http")
            outcomes.append(("http", ok, error))
        if "sql" in doors and case.sql_ok:
            start = time.monotonic()
            error = None
            try:
                self.execute(case.action, case.body.decode("utf-8"))
                ok = True
            except psycopg2.Error as e:
                ok = False
                error = e.pgcode
                if self.db.closed or e.pgcode is None:
                    self.scan_log_quietly()
                    raise Failure("crash", "dynamo.execute lost the connection: %s" %
                                  (str(e).strip().splitlines() or ["?"])[0])
                if e.pgcode == "57014":
                    raise Failure("hang", "dynamo.execute cancelled by statement_timeout")
                if not e.pgcode.startswith("YD"):      # not one of the DynamoDB exceptions
                    self.note_internal("sql", "%s %s" % (e.pgcode, e.pgerror.strip().splitlines()[0][:200]))
            elapsed = time.monotonic() - start
            self.after(case, ok, elapsed, "sql")
            outcomes.append(("sql", ok, error))
        return outcomes

    def after(self, case, ok, elapsed, door):
        digest = self.check_alive(with_digest=True)[3]
        if elapsed > self.args.bound:
            raise Failure("slow", "%s took %.1fs (bound %ss)" % (door, elapsed, self.args.bound))
        if not ok and digest != self.digest:
            raise Failure("data changed", "a request rejected through %s changed the tables" % door)
        self.digest = digest
        if ok and case.action in CONTROL_PLANE:
            self.reset_fixtures()


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------

def known_crash(case):
    if case.tree is None:
        return None
    for known in KNOWN_CRASHES:
        try:
            if known["match"](case.action, case.tree):
                return known
        except Exception:
            pass
    return None


def save_case(case, directory, failure):
    os.makedirs(directory, exist_ok=True)
    name = "%s-%s-%08x.json" % (failure.kind.replace(" ", "-"), case.action or "none",
                                zlib.crc32(case.body) & 0xffffffff)
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        json.dump(case_record(case, "%s: %s" % (failure.kind, failure.detail)), f, indent=1)
        f.write("\n")
    return path


def case_record(case, note):
    record = {"note": note, "origin": case.origin, "mutations": case.log, "action": case.action}
    try:
        record["body"] = case.body.decode("utf-8")
    except UnicodeDecodeError:
        record["body_base64"] = base64.b64encode(case.body).decode()
    return record


def load_case(path):
    with open(path) as f:
        record = json.load(f)
    if "body_base64" in record:
        body = base64.b64decode(record["body_base64"])
    else:
        body = record["body"].encode("utf-8")
    tree = None
    sql_ok = False
    try:
        tree = json.loads(body.decode("utf-8"))
        _, sql_ok = encode(tree)
        sql_ok = sql_ok and b"\\u0000" not in body
    except (UnicodeDecodeError, ValueError):
        pass
    case = Case(record["action"], body, sql_ok, tree, "file %s" % path, record.get("mutations", []))
    case.expect = record.get("expect")
    return case


def show_case(case, limit=3000):
    text = case.body.decode("utf-8", "backslashreplace")
    if len(text) > limit:
        text = text[:limit // 2] + " ... (%d bytes) ... " % len(case.body) + text[-limit // 4:]
    print("  action:  %r" % case.action)
    print("  origin:  %s" % case.origin)
    for line in case.log:
        print("  mutated: %s" % line)
    print("  body:    %s" % text)


class Watchdog:
    """Ends the run when one request never comes back."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.case = None
        self.deadline = None
        threading.Thread(target=self.watch, daemon=True).start()

    def arm(self, case):
        self.case = case
        self.deadline = time.monotonic() + self.seconds

    def disarm(self):
        self.deadline = None

    def watch(self):
        while True:
            time.sleep(1)
            if self.deadline is not None and time.monotonic() > self.deadline:
                print("\nrequest fuzz: FAILED: hang: no answer in %ds to:" % self.seconds, flush=True)
                show_case(self.case)
                sys.stdout.flush()
                os._exit(3)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", default="1")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=None, help="stop after this long (with --count as a cap)")
    parser.add_argument("--bound", type=float, default=5.0, help="seconds a request may take")
    parser.add_argument("--endpoint", default=os.environ.get("DYNAMO_ENDPOINT", "http://127.0.0.1:8421"))
    parser.add_argument("--dsn", default="")
    parser.add_argument("--server-log", default=None)
    parser.add_argument("--doors", default="http,sql")
    parser.add_argument("--corpus", default=None, help="replay the reproducers of this directory first")
    parser.add_argument("--replay", nargs="*", default=None)
    parser.add_argument("--index", type=int, default=None, help="only this request of the seed")
    parser.add_argument("--start", type=int, default=0, help="first request index")
    parser.add_argument("--show", action="store_true", help="print the requests instead of sending them")
    parser.add_argument("--keep-going", action="store_true", help="record failures and go on")
    parser.add_argument("--findings", default="/tmp/request-fuzz-findings")
    parser.add_argument("--reset-every", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2, help="endpoint workers expected (dynamo.http_workers)")
    parser.add_argument("--minimize", default=None, help="shrink the reproducer of this file")
    args = parser.parse_args()
    sys.setrecursionlimit(20000)

    with open(os.path.join(HERE, "request_seeds.json")) as f:
        data = json.load(f)
    seeds = data["seeds"]
    actions = sorted({s["action"] for s in seeds})
    doors = args.doors.split(",")

    if args.show:
        first = args.index if args.index is not None else args.start
        last = first + 1 if args.index is not None else first + args.count
        for i in range(first, last):
            case = generate(args.seed, i, seeds, actions)
            print("--- %d (sql %s)" % (i, "yes" if case.sql_ok else "no"))
            show_case(case, 600)
        return 0

    server = Server(args, data["fixtures"])
    server.workers = args.workers
    server.reset_fixtures()
    watchdog = Watchdog(int(args.bound * 3) + 2)

    if args.minimize:
        return minimize(server, watchdog, load_case(args.minimize), doors, args)

    cases = []
    if args.corpus:
        for name in sorted(os.listdir(args.corpus)):
            if name.endswith(".json"):
                cases.append(load_case(os.path.join(args.corpus, name)))
    if args.replay:
        cases.extend(load_case(p) for p in args.replay)

    stats = {"sent": 0, "http": 0, "sql": 0, "ok": 0, "rejected": 0, "skipped": 0, "failures": 0,
             "corpus": 0}
    failures = []
    seen = {}
    start = time.monotonic()
    last_report = start

    def run_case(case):
        known = known_crash(case)
        if known:
            stats["skipped"] += 1
            stats.setdefault("skipped " + known["id"], 0)
            stats["skipped " + known["id"]] += 1
            return True
        watchdog.arm(case)
        try:
            outcomes = server.run(case, doors)
        except Failure as failure:
            watchdog.disarm()
            stats["failures"] += 1
            path = save_case(case, args.findings, failure)
            signature = (failure.kind, case.action, "".join(c for c in failure.detail[:50] if c.isalpha()))
            seen[signature] = seen.get(signature, 0) + 1
            if seen[signature] <= 2 or failure.kind in ("crash", "hang"):
                print("\nrequest fuzz: FAILED: %s: %s" % (failure.kind, failure.detail))
                show_case(case)
                print("  saved:   %s" % path, flush=True)
            failures.append((failure, case, path))
            if not args.keep_going:
                return False
            server.recover() if failure.kind in ("crash", "hang") else server.reset_fixtures()
            return True
        except psycopg2.Error as e:
            watchdog.disarm()
            raise
        watchdog.disarm()
        if case.expect is not None:
            for door, ok, error in outcomes:
                got = "ok" if ok else str(error).split("#")[-1]
                if door == "http" and got != case.expect:
                    print("\nrequest fuzz: FAILED: expected %s through http, got %s" % (case.expect, got))
                    show_case(case)
                    stats["failures"] += 1
                    failures.append((Failure("unexpected answer", "%s instead of %s" % (got, case.expect)),
                                     case, case.origin))
                    if not args.keep_going:
                        return False
        stats["sent"] += 1
        for door, ok, _ in outcomes:
            stats[door] += 1
            stats["ok" if ok else "rejected"] += 1
        return True

    for case in cases:
        stats["corpus"] += 1
        if not run_case(case):
            return finish(stats, failures, server, start)

    indexes = [args.index] if args.index is not None else range(args.start, args.start + args.count)
    for n, i in enumerate(indexes):
        if args.seconds is not None and time.monotonic() - start > args.seconds:
            break
        case = generate(args.seed, i, seeds, actions)
        if not run_case(case):
            break
        if args.reset_every and n % args.reset_every == args.reset_every - 1:
            server.reset_fixtures()
        if time.monotonic() - last_report > 30:
            last_report = time.monotonic()
            elapsed = last_report - start
            print("request fuzz: %d requests (%d through http, %d through sql) in %.0fs, %.1f/s, "
                  "%d failures, %d skipped" % (stats["sent"], stats["http"], stats["sql"], elapsed,
                                                stats["sent"] / elapsed, stats["failures"], stats["skipped"]),
                  flush=True)
    return finish(stats, failures, server, start)


def finish(stats, failures, server, start):
    elapsed = time.monotonic() - start
    try:
        server.check_alive()
    except Failure as failure:
        print("request fuzz: FAILED at the end: %s: %s" % (failure.kind, failure.detail))
        failures.append((failure, None, None))
    print("request fuzz: %d requests (%d corpus), %d answers through http, %d through sql: "
          "%d succeeded, %d rejected; %d skipped as known crashes; %.0fs, %.1f requests/s"
          % (stats["sent"], stats["corpus"], stats["http"], stats["sql"], stats["ok"], stats["rejected"],
             stats["skipped"], elapsed, stats["sent"] / max(elapsed, 0.001)))
    for key in sorted(k for k in stats if k.startswith("skipped ")):
        print("  %s: %d" % (key, stats[key]))
    if server.internal:
        print("request fuzz: internal errors (not failures), first request of each:")
        for (door, message), case in sorted(server.internal.items()):
            print("  %s: %s" % (door, message))
            if case is not None and door == "http" and message != "InternalServerError":
                print("    e.g. %s %s" % (case.action, describe_body(case)))
            elif case is not None and door == "sql":
                print("    e.g. %s %s" % (case.action, describe_body(case)))
    for failure, case, path in failures:
        print("request fuzz: failure: %s: %s%s" % (failure.kind, failure.detail, " (%s)" % path if path else ""))
    print("%d passed, %d failed" % (stats["sent"], len(failures)))
    return 1 if failures else 0


def describe_body(case):
    text = case.body.decode("utf-8", "backslashreplace")
    return text if len(text) < 300 else text[:200] + "... (%d bytes)" % len(case.body)


# ---------------------------------------------------------------------------
# Minimizing a reproducer
# ---------------------------------------------------------------------------

def minimize(server, watchdog, case, doors, args):
    """Greedy: drop members and elements, shorten strings and lists, while
    the request still fails the same way.  Prints the smallest found."""
    if case.tree is None:
        print("request fuzz: cannot minimize a body that is not valid JSON text")
        return 2

    def fails(tree):
        body, sql_ok = encode(tree)
        attempt = Case(case.action, body, sql_ok, tree, "minimizing")
        watchdog.arm(attempt)
        try:
            server.run(attempt, doors)
            watchdog.disarm()
            return None
        except Failure as failure:
            watchdog.disarm()
            if failure.kind in ("crash", "hang"):
                server.recover()
            else:
                server.reset_fixtures()
            return failure.kind

    kind = fails(case.tree)
    if kind is None:
        print("request fuzz: the reproducer does not fail")
        return 2
    tree = case.tree
    changed = True
    while changed:
        changed = False
        holder = [tree]
        m = Mutator(random.Random(0), [])
        for parent, key in m.locations(holder):
            for candidate in shrink_candidates(parent, key, holder):
                trial = copy.deepcopy(holder)
                apply_path(trial, holder, parent, key, candidate)
                if fails(trial[0]) == kind:
                    tree = trial[0]
                    changed = True
                    print("request fuzz: smaller: %s" % encode(tree)[0][:500].decode("utf-8", "replace"),
                          flush=True)
                    break
            if changed:
                break
    body, _ = encode(tree)
    print("request fuzz: minimal %s (%s): %s" % (kind, case.action, body.decode("utf-8", "backslashreplace")))
    return 0


DROP = object()


def shrink_candidates(parent, key, holder):
    node = parent[key]
    out = []
    if parent is not holder:
        out.append(DROP)
    if isinstance(node, dict) and node:
        out.append({})
    if isinstance(node, list) and node:
        out.extend([[], node[:1], node[:len(node) // 2]])
    if isinstance(node, str) and len(node) > 1:
        out.extend(["", node[:len(node) // 2], node[:1]])
    return out


def apply_path(trial, holder, parent, key, candidate):
    """Apply a change at (parent, key) of holder to its deep copy trial."""
    path = find_path(holder, parent)
    target = trial
    for p in path:
        target = target[p]
    if candidate is DROP:
        del target[key]
    else:
        target[key] = copy.deepcopy(candidate)


def find_path(root, container):
    stack = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is container:
            return path
        if isinstance(node, dict):
            stack.extend((v, path + [k]) for k, v in node.items() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend((v, path + [i]) for i, v in enumerate(node) if isinstance(v, (dict, list)))
    raise KeyError("container not found")


if __name__ == "__main__":
    sys.exit(main())
