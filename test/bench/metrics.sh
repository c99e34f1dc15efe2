#!/usr/bin/env bash
# metrics.sh: the cost of recording the per-minute metrics on every request.
#
# N GetItem requests through dynamo.execute in one plpgsql loop (a 100-item
# table, keys in turn), with dynamo.metrics on and off, alternating ROUNDS
# times in one session of one cluster (dynamo preloaded, the metrics in
# shared memory; capacity enforcement off, so that only the metrics differ);
# reports the median time of each and their ratio.  Then the same with
# PutItem.  dynamo.metrics off turns off every recording, the consumed
# units capacity_buckets.c records included.
#
#   test/bench/metrics.sh                  100000 requests, 5 rounds
#   N=20000 ROUNDS=3 test/bench/metrics.sh
set -euo pipefail
cd "$(dirname "$0")"
export N=${N:-100000} ROUNDS=${ROUNDS:-5}

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5498}" -o shared_preload_libraries=dynamo \
    -o dynamo.capacity_enforcement=off -- \
    env PGOPTIONS="-c bench.n=$N -c bench.rounds=$ROUNDS" psql -X -q -v ON_ERROR_STOP=1 -d postgres -f metrics.sql
