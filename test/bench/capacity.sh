#!/usr/bin/env bash
# capacity.sh: the cost of capacity metering and enforcement (issue 12,
# Benchmark): GetItem and PutItem of ~1 KB items through the wire endpoint
# (wrk, endpoint/get.lua and put.lua) and through the SQL door (pgbench,
# prepared, endpoint/get_sql.sql and put_sql.sql), on a table provisioned
# far above what the run can use (capacity is never reached: 40000 units a
# second, 300 s of burst, partition ceilings raised), with:
#
#   on        dynamo.capacity_enforcement = on: every request admitted on its
#             table's and partition's buckets, then charged (the default)
#   off       dynamo.capacity_enforcement = off: charged (metered into the
#             buckets), never admitted
#   unloaded  (SQL door only) a second cluster without
#             shared_preload_libraries: no buckets, no metrics in shared
#             memory; units computed and reported only
#
# in the same run: ROUNDS rounds, each measuring every part for SLICE
# seconds in every mode, the modes in the order on off unloaded in even
# rounds and reversed in odd ones (drift falls on both sides alike).  The
# mode is switched with ALTER SYSTEM and a reload, and a PutItem of a
# 1-unit table deep in debt (Probe) must be throttled (on) or served (off)
# through both doors before a slice starts.  Reported per part: requests a
# second in each mode and the overhead of "on" against "off" and against
# "unloaded": the median over the rounds of the per-round time ratio
# (time per request = 1 / requests a second), with the rounds' range.
# Target: at most 3%.  fsync off (pg_virtualenv's default): the costs
# measured are CPU costs, which a WAL flush per commit would hide.
#
#   test/bench/capacity.sh                        about 5 minutes
#   ROUNDS=2 SLICE=2 test/bench/capacity.sh       quick
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-10000} ROUNDS=${ROUNDS:-6} SLICE=${SLICE:-5} CONNS=${CONNS:-16} CLIENTS=${CLIENTS:-4}
export HTTP_PORT=${HTTP_PORT:-8220} PG_VIRTUALENV=${PG_VIRTUALENV:-pg_virtualenv}
settings=(-o max_wal_size=8GB -o checkpoint_timeout=30min)
# the preloaded cluster (endpoint, buckets) runs the unloaded one inside it;
# capacity_run.sh reaches the preloaded one through PRELOADED_PG*
"$PG_VIRTUALENV" -t "${settings[@]}" -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_preload_libraries=dynamo \
    -o dynamo.http_port="$HTTP_PORT" -o dynamo.http_auth=off -o dynamo.http_workers="${WORKERS:-2}" \
    -o max_worker_processes=40 -o dynamo.partition_read_ceiling=1000000 -o dynamo.partition_write_ceiling=1000000 -- \
    bash -c 'export PRELOADED_PGHOST=$PGHOST PRELOADED_PGPORT=$PGPORT PRELOADED_PGUSER=$PGUSER
             export PRELOADED_PGPASSWORD=${PGPASSWORD:-} PRELOADED_PGDATABASE=${PGDATABASE:-postgres}
             exec "$PG_VIRTUALENV" -t "$@" -o "port=$((${DYNAMO_BENCH_PORT:-5499} + 1))" -- ./capacity_run.sh' capacity "${settings[@]}"
