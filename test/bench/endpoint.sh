#!/usr/bin/env bash
# endpoint.sh: GetItem and PutItem requests per second and latency through
# the wire endpoint, against (a) the same operations through the SQL door
# (pgbench, prepared) and (b) dynalite (npm, in memory), on the same
# machine, the same data (ITEMS items of ~1 KB) and, for the two HTTP
# servers, the same client (wrk with a Lua script). Authentication is off
# for the benchmark only. Durability is Postgres' default (fsync on).
#
#   test/bench/endpoint.sh          10,000 items, 15 s per run
# Needs wrk (Debian) and dynalite: DYNALITE_DIR=/tmp/dynalite with
# `npm install dynalite` done there (the script does it when missing).
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-10000} DURATION=${DURATION:-15}
export HTTP_PORT=${HTTP_PORT:-8200} DYNALITE_PORT=${DYNALITE_PORT:-8300}
export DYNALITE_DIR=${DYNALITE_DIR:-/tmp/dynalite}
if [ ! -f "$DYNALITE_DIR/node_modules/dynalite/cli.js" ]; then
    mkdir -p "$DYNALITE_DIR"
    (cd "$DYNALITE_DIR" && npm init -y >/dev/null && npm install dynalite >/dev/null)
fi
# pg_virtualenv turns fsync off for its throwaway clusters; the benchmark
# turns it back on so that every acknowledged PutItem is on disk.  Each run
# starts after a CHECKPOINT, and max_wal_size is large enough that no
# checkpoint starts inside a run (the same for the SQL door and the endpoint).
pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o fsync=on -o max_wal_size=8GB \
    -o checkpoint_timeout=30min -o shared_preload_libraries=dynamo \
    -o dynamo.http_port="$HTTP_PORT" -o dynamo.http_auth=off -o dynamo.http_workers="${WORKERS:-2}" -o max_worker_processes=40 \
    -- ./endpoint_run.sh
