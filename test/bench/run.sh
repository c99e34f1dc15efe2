#!/usr/bin/env bash
# run.sh: run one benchmark of test/bench/ in a throwaway cluster.
#
#   test/bench/run.sh value_model     the value model against jsonb
#   test/bench/run.sh expressions     the expression engine against jsonb
#   test/bench/run.sh indexes         secondary indexes: Query on a GSI, PutItem
#                                     by GSIs, backfill (indexes.sh, its own cluster)
#   test/bench/run.sh streams         PutItem with a NEW_AND_OLD_IMAGES stream against
#                                     without, and the lag from commit to a record
#                                     (streams.sh, its own cluster)
#   test/bench/run.sh transactions    TransactWriteItems and TransactGetItems through
#                                     the endpoint against PutItem, BatchWriteItem
#                                     and GetItem (transactions.sh, its own cluster)
#
# A benchmark that is a script (test/bench/<name>.sh: items, partitions,
# endpoint, indexes, transactions) starts its own cluster and reads its settings from
# the environment (see its header).
#
# Each benchmark measures dynamo and its baseline in the same run, on the
# same data, and prints ratios. Build and install first (make && make install).
set -euo pipefail
cd "$(dirname "$0")/../.."
name=${1:?usage: test/bench/run.sh <benchmark name>}
[ ! -x "test/bench/$name.sh" ] || exec "test/bench/$name.sh"
[ -f "test/bench/$name.sql" ] || { echo "no benchmark test/bench/$name.sql" >&2; exit 1; }
pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_preload_libraries=dynamo -- sh -c "psql -X -q -c 'CREATE EXTENSION IF NOT EXISTS dynamo' && psql -X -f test/bench/$name.sql"
