#!/usr/bin/env bash
# citus.sh: GetItem and PutItem of ~1 KB items through the wire endpoint
# (wrk, endpoint/get.lua and put.lua, SigV4 off) on a table distributed by
# Citus (coordinator + 2 workers, requests to the coordinator's endpoint)
# against the same table on a single-node server (dynamo alone), in the same
# run (issue 15, Benchmark).  A third variant, a local (not distributed)
# table on the same coordinator, separates the cost of distribution from the
# cost of having Citus loaded.
#
# ROUNDS rounds, each measuring every variant and operation for SLICE
# seconds, the variants in one order in even rounds and reversed in odd ones
# (drift falls on both sides alike); reported: medians over the rounds of
# requests a second and wrk's p50/p99, the median of the per-round ratios
# distributed / single, and the CPU time each server spent per request
# (from /proc: its postmaster and every child, the reaped ones included),
# which is what the projection to N workers is built on.  Then where the
# time goes on the distributed path: the statements the worker receives for
# one GetItem and one PutItem (log_statement), EXPLAIN ANALYZE of the
# routed statement, and perf of the coordinator's endpoint workers when perf
# is there (PERF=off skips it).
#
# Both servers: fsync on (Postgres' default), the same settings as
# test/citus/cluster.sh (dynamo.http_workers = HTTP_WORKERS, 2), max_wal_size
# 8GB and checkpoint_timeout 30min, dynamo.capacity_enforcement off (charged,
# never throttled), CHECKPOINT on every node before each slice.  Everything runs on one machine: the workers, the coordinator and
# wrk share its cores, so the ratio is the overhead of the distributed path,
# not its scale.
#
#   test/bench/citus.sh                             about 8 minutes
#   HTTP_WORKERS=8 test/bench/citus.sh              more endpoint workers on both servers
#   ROUNDS=2 SLICE=3 PERF=off test/bench/citus.sh   quick
#
# Ports (not those of test/citus/run.sh): coordinator CITUS_PORT 5471,
# workers 5472-5473, endpoints CITUS_HTTP_PORT 5474-5476; single node
# SINGLE_PORT 5477, endpoint SINGLE_HTTP_PORT 5478.
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-10000} ROUNDS=${ROUNDS:-5} SLICE=${SLICE:-10} CONNS=${CONNS:-16} PERF=${PERF:-on}
export HTTP_WORKERS=${HTTP_WORKERS:-2}
export CITUS_PORT=${CITUS_PORT:-5471} CITUS_HTTP_PORT=${CITUS_HTTP_PORT:-5474}
export CITUS_DIR=${CITUS_DIR:-/tmp/dynamo-citus-bench}
export SINGLE_PORT=${SINGLE_PORT:-5477} SINGLE_HTTP_PORT=${SINGLE_HTTP_PORT:-5478}
export SINGLE_DIR=${SINGLE_DIR:-$CITUS_DIR-single}
BIN=/usr/lib/postgresql/15/bin

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_single() {
    [ -d "$SINGLE_DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$SINGLE_DIR/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$SINGLE_DIR"
}
start_single() {   # one server, the settings of cluster.sh's nodes without Citus
    mkdir -p "$SINGLE_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$SINGLE_DIR"
    as_owner "$BIN/initdb" -D "$SINGLE_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
    cat >> "$SINGLE_DIR/data/postgresql.conf" <<CONF
port = $SINGLE_PORT
unix_socket_directories = '$SINGLE_DIR'
listen_addresses = 'localhost'
shared_preload_libraries = 'dynamo'
wal_level = logical
output_plugin_libraries = 'pgoutput, test_decoding, dynamo'
max_prepared_transactions = 100
max_connections = 200
max_worker_processes = 32
shared_buffers = 64MB
dynamo.http_port = $SINGLE_HTTP_PORT
dynamo.http_auth = off
dynamo.http_workers = $HTTP_WORKERS
dynamo.ttl_transition_time = 0
log_line_prefix = '%m [%p] single '
CONF
    as_owner "$BIN/pg_ctl" -D "$SINGLE_DIR/data" -l "$SINGLE_DIR/single.log" -w start >/dev/null
}

../citus/cluster.sh stop
stop_single
trap '../citus/cluster.sh stop; stop_single' EXIT
start_single
../citus/cluster.sh start
./citus_run.sh
