#!/usr/bin/env bash
# indexes.sh: the cost of global secondary indexes, each figure against its
# baseline in the same run (issue 10, Benchmark):
#
#  1. Query of the 100 items of one item collection on a GSI (projection
#     ALL) against the same Query on the table (same items, same order):
#     dynamo.query(..., index => 'gsi1') vs dynamo.query, and the same
#     through dynamo.execute('Query', JSON).  Target: ratio >= 0.8.
#  2. PutItem on tables with 0 GSIs, 1 and 5 KEYS_ONLY GSIs, 1 and 5 ALL
#     GSIs, through dynamo.put_item and dynamo.execute('PutItem'): items of
#     about 1 KB with every GSI's key attributes.  "new": each put adds an
#     item (each GSI gets one entry); "replace": each put replaces an item
#     and moves its entry in every GSI (a new index key: delete and insert).
#     Target: each KEYS_ONLY GSI costs at most 30% extra:
#     tps(0) / tps(1 KEYS_ONLY) <= 1.3, and per GSI from 5 GSIs,
#     (tps(0) / tps(5 KEYS_ONLY) - 1) / 5 <= 0.3.
#  3. Backfill: UpdateTable adds a GSI to a table of ITEMS items; its rate
#     (items/s, from UpdateTable to ACTIVE in DescribeTable, and the rate
#     dynamo.index_backfill_progress shows), and the PutItem latency (p50,
#     p99) of a writer that replaces random items while the backfill runs,
#     against the same writer on the same table before it.
#
# pgbench, prepared statements, CLIENTS clients; each throughput is
# measured in ROUNDS slices interleaved with the other side of its ratio
# (DURATION seconds per side in all), so that the load of a shared machine
# falls on both sides alike.  The writer of part 3 is WRITERS clients for
# DURATION seconds (the backfill must outlast it: ITEMS large enough), after
# an unmeasured run of the same length; two by default, because with one
# the baseline leaves a core idle and, in a VM, the wake-ups of idle vCPUs
# double its latency, so that it looks faster during the backfill (which
# keeps both cores busy) than alone.
# pg_virtualenv's cluster runs with fsync off (as items.sh): the figures are
# CPU costs, not disk flushes.
#
#   test/bench/indexes.sh                               1M items to backfill (about 6 min)
#   ITEMS=100000 DURATION=4 test/bench/indexes.sh       quick (about 2 min)
#   PARTS="query put" test/bench/indexes.sh             some parts only
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-1000000} CLIENTS=${CLIENTS:-4} WRITERS=${WRITERS:-2}
export DURATION=${DURATION:-12} ROUNDS=${ROUNDS:-4}
export QUERY_ITEMS=${QUERY_ITEMS:-100000} PUT_ITEMS=${PUT_ITEMS:-100000}
export BACKFILL_PROJECTION=${BACKFILL_PROJECTION:-KEYS_ONLY} PARTS=${PARTS:-"query put backfill"}

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_buffers=2GB -o max_wal_size=8GB \
    -o checkpoint_timeout=30min -o shared_preload_libraries=dynamo -- ./indexes_run.sh
