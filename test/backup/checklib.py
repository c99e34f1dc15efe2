"""checklib.py: what the Python checks of test/backup share: SQL through psql (PG* from the environment),
dynamo.execute, waiting for the job worker, and DynamoDB values compared by DynamoDB's rules."""
import decimal
import json
import os
import subprocess
import sys
import time

NAME = os.path.splitext(os.path.basename(sys.argv[0]))[0]


def sql(query):
    """one value of a query, as text"""
    run = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", query],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit("%s: %s\n%s" % (NAME, query[:300], run.stderr))
    return run.stdout.rstrip("\n")


def execute(action, request):
    return json.loads(sql("SELECT dynamo.execute('%s', '%s'::jsonb)" % (action, json.dumps(request).replace("'", "''"))))


def wait_for(query, what, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if sql(query) == "t":
            return
        time.sleep(0.2)
    raise SystemExit("%s: timed out waiting for %s" % (NAME, what))


def canonical(value):
    """a value compared by DynamoDB's rules: sets unordered, numbers by value"""
    (kind, v), = value.items()
    if kind == "N":
        return ("N", decimal.Decimal(v).normalize())
    if kind == "NS":
        return ("NS", frozenset(decimal.Decimal(x).normalize() for x in v))
    if kind in ("SS", "BS"):
        return (kind, frozenset(v))
    if kind == "M":
        return ("M", canonical_item(v))
    if kind == "L":
        return ("L", tuple(canonical(x) for x in v))
    return (kind, v)


def canonical_item(item):
    return tuple(sorted((name, canonical(v)) for name, v in item.items()))
