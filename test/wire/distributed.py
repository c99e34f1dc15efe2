"""distributed.py: the wire tests' cases that do not run as written against tables distributed by Citus, and why.

test/citus/check_suites.sh runs these single-node tests against a Citus cluster whose new tables are distributed
(dynamo.distribute_new_tables = on on the coordinator), through the coordinator's endpoint and through a
worker's. It sets DYNAMO_DISTRIBUTED to the node the requests reach: "coordinator" or "worker". Unset (the
single-node runs of test/wire/run.sh), nothing here changes anything.

A case that cannot pass there is marked where it is defined, with its reason, so that the reason is read beside
the test and printed in the run's output (check_suites.sh counts them by kind):

    @distributed.limitation(reason)   a documented limitation of distributed tables (streams, point-in-time
                                      recovery, ...): skipped, "skipped 'distributed limitation: ...'"
    @distributed.single_node(reason)  the case checks what only a single node has (its partitions' statistics,
                                      its own endpoint workers): skipped, "skipped 'distributed single-node: ...'"
    @distributed.bug(reason)          a known bug of dynamo on distributed tables: run, and expected to fail
                                      ("expected failure", its description the reason); when it passes the run
                                      fails ("unexpected success"), and the mark must go. With
                                      may_pass_on=(NODE, ...), through those nodes' endpoints the bug shows or
                                      not by where Citus placed the items' shards or by timing: a failure there
                                      is a skip, "skipped 'distributed bug (may pass): ...'", and a pass passes

Each takes where="coordinator" or where="worker" when it holds for one of the two runs only. A mark on a class
applies to each of its tests (and skips its setUpClass). The bugs that several cases meet are named below.
"""
import functools
import os
import unittest

NODE = os.environ.get("DYNAMO_DISTRIBUTED", "")
if NODE not in ("", "coordinator", "worker"):
    raise SystemExit(f"DYNAMO_DISTRIBUTED must be coordinator or worker, not {NODE!r}")

# A worker's endpoint meters a write's index entries itself (as the coordinator's does, for a distributed table)
# and its access method meters them again when Citus runs the write in the same process (the item's shard is on
# that worker): which cases fail depends on where Citus placed the items' shards (the same on every new cluster).
WORKER_METERS_INDEXES_TWICE = ("through a worker's endpoint the index writes of an item whose shard is on that "
                               "worker are metered twice (ConsumedCapacity, throttling): once by the request, once "
                               "by the access method, which Citus runs in the endpoint's own process")
# The workers' copies of the catalog follow UpdateTable and DeleteTable only (dynamo.sync_table_to_workers).
WORKER_CATALOG_TTL = ("UpdateTimeToLive does not reach the workers' copies of the catalog: DescribeTimeToLive "
                      "through a worker's endpoint answers DISABLED")
WORKER_CATALOG_TAGS = ("tags live in the coordinator's dynamo.tags only: ListTagsOfResource through a worker's "
                       "endpoint answers no tag")


def applies(where=None):
    """Whether this run is against distributed tables (through the endpoint of `where`, when given)."""
    return NODE != "" and where in (None, NODE)


def _skip(kind, reason, where):
    return unittest.skipIf(applies(where), f"distributed {kind}: {reason}")


def limitation(reason, where=None):
    return _skip("limitation", reason, where)


def single_node(reason, where=None):
    return _skip("single-node", reason, where)


def bug(reason, where=None, may_pass_on=()):
    """Expected to fail when distributed; the description of the case becomes the bug."""
    def mark(test):
        if not applies(where):
            return test

        @functools.wraps(test)
        def run(*args, **kwargs):
            try:
                return test(*args, **kwargs)
            except Exception as failure:    # noqa: BLE001 -- AssertionError or the client's errors alike
                if NODE in may_pass_on:
                    raise unittest.SkipTest(f"distributed bug (may pass): {reason}") from failure
                raise
        run.__doc__ = f"KNOWN BUG on a distributed table: {reason}"
        return run if NODE in may_pass_on else unittest.expectedFailure(run)
    return mark
