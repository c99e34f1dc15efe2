#!/usr/bin/env bash
# streams.sh: the cost of a stream, against its baseline in the same run
# (issue 13, Benchmark):
#
#  1. PutItem (new items of about 200 bytes, dynamo.execute through pgbench,
#     CLIENTS clients) on a table with a NEW_AND_OLD_IMAGES stream against
#     the same on a table without one, in ROUNDS interleaved slices of
#     DURATION seconds per side in all.  The capture worker decodes the WAL
#     and stores the records while the writers run, on the same cores: its
#     cost is in the figure.  Goal: at most 25% slower (ratio >= 0.8).
#  2. The lag from commit to a record a reader can read: a writer puts an
#     item and commits, then polls dynamo.stream_records every millisecond
#     until the item's record is there; the lag is the time it found it
#     minus the commit time the record carries.  SAMPLES samples: median and
#     p99 (the capture polls the WAL every dynamo.stream_poll_interval, 100 ms).
#
#   test/bench/streams.sh                       (about 1 minute)
#   DURATION=4 SAMPLES=50 test/bench/streams.sh quick
set -euo pipefail
cd "$(dirname "$0")"
export CLIENTS=${CLIENTS:-4} DURATION=${DURATION:-16} ROUNDS=${ROUNDS:-4} SAMPLES=${SAMPLES:-200}

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5499}" -o shared_preload_libraries=dynamo \
    -o wal_level=logical -o output_plugin_libraries=pgoutput,test_decoding,dynamo -- ./streams_run.sh
