#!/usr/bin/env bash
# transactions.sh: the cost of transactions through the wire endpoint, each
# against the same work done without one, in the same run (issue 11,
# Benchmark):
#
#  1. TransactWriteItems of 4 Puts against 4 PutItem requests of the same 4
#     items (about 1 KB each): time per transaction / time per 4 PutItems.
#     Target: at most 1.5.  A BatchWriteItem of the same 4 items is measured
#     alongside, for reference (one request, no transaction).
#  2. TransactWriteItems of 25 Puts against BatchWriteItem of the same 25.
#  3. TransactGetItems of 4 Gets against 4 GetItem requests of the 4 items.
#
# The client is wrk (one Lua script, transactions/requests.lua, MODE picks
# the requests); every mode goes through the same ITEMS items of table Bench
# in the same order, and no two requests in flight touch one item, so that
# there are no lock conflicts.  Each side of a ratio is measured in ROUNDS
# slices interleaved with the other sides (A B B A ...; DURATION seconds per
# side in all), at each number of connections of CONNS: 1 connection gives
# the time one client waits (4 PutItems are 4 round trips), more connections
# the server's throughput (time per unit of work = 1 / units per second).
# Authentication is off for the benchmark only (as endpoint.sh).
#
# FSYNC=off (the default; pg_virtualenv's setting, as items.sh and
# indexes.sh) measures CPU costs; FSYNC=on makes every commit wait for its
# WAL flush, which favours the transaction (1 commit against 4 for the 4
# PutItems).  With FSYNC=on, TransactGetItems pays a WAL flush that GetItem
# does not: its Gets lock their rows FOR SHARE (ops_transact.c), which
# writes WAL (about 4-5 records a request of 4 Gets, against none for
# GetItem) and so makes its commit wait for the flush (synchronous_commit).
#
#   test/bench/transactions.sh                          about 3 minutes
#   DURATION=4 CONNS=8 test/bench/transactions.sh       quick
#   PARTS="write4 get4" FSYNC=on test/bench/transactions.sh
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-10000} DURATION=${DURATION:-8} ROUNDS=${ROUNDS:-8} CONNS=${CONNS:-"1 8"}
export WARMUP=${WARMUP:-3} PARTS=${PARTS:-"write4 write25 get4"} FSYNC=${FSYNC:-off}
export HTTP_PORT=${HTTP_PORT:-8210}
pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5497}" -o fsync="$FSYNC" -o max_wal_size=8GB \
    -o checkpoint_timeout=30min -o shared_preload_libraries=dynamo \
    -o dynamo.http_port="$HTTP_PORT" -o dynamo.http_auth=off -o dynamo.http_workers="${WORKERS:-2}" \
    -o max_worker_processes=40 -- ./transactions_run.sh
