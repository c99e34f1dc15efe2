#!/usr/bin/env bash
# partitions.sh: GetItem, PutItem and Query throughput by the number of hash
# partitions of a table (what dynamo.default_partitions is chosen from).
# Same data and scripts as items.sh; each count measured in one run.
#
#   test/bench/partitions.sh                 100,000 items, counts 1 4 8 16 64
set -euo pipefail
cd "$(dirname "$0")"
export ITEMS=${ITEMS:-100000} CLIENTS=${CLIENTS:-4} DURATION=${DURATION:-8}
export COUNTS=${COUNTS:-"1 4 8 16 64"}
pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_buffers=1GB \
    -o shared_preload_libraries=dynamo -- ./partitions_run.sh
