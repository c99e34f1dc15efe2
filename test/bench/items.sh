#!/usr/bin/env bash
# items.sh: GetItem, PutItem and Query through dynamo's SQL functions against
# the plain-SQL floor, on the same data, in one run.
#
# The floor: a heap table with a jsonb column and a primary key (pk, sk):
# SELECT by key, INSERT ... ON CONFLICT DO UPDATE, and a range SELECT of the
# 100 items of one collection. Both sides hold ITEMS items of about 1 KB
# (100 per collection). pgbench, prepared statements, CLIENTS clients,
# DURATION seconds per measurement; the two sides of a pair run back to back.
# Then GetItem latency with one client at each size of SCALES.
#
#   test/bench/items.sh                      1M items, 4 clients, 20 s
#   ITEMS=100000 DURATION=5 test/bench/items.sh
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-1000000} CLIENTS=${CLIENTS:-4} DURATION=${DURATION:-20}
export SCALES=${SCALES:-"10000 100000 1000000"}

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_buffers=2GB -o max_wal_size=8GB \
    -o shared_preload_libraries=dynamo -- ./items_run.sh
