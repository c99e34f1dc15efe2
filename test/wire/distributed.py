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
applies to each of its tests (and skips its setUpClass).
"""
import functools
import os
import unittest

NODE = os.environ.get("DYNAMO_DISTRIBUTED", "")
if NODE not in ("", "coordinator", "worker"):
    raise SystemExit(f"DYNAMO_DISTRIBUTED must be coordinator or worker, not {NODE!r}")


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
