#!/usr/bin/env bash
# pitr.sh: the cost of point-in-time recovery, and the rates of its copies
# (issue 14, Tests and measurements), in a cluster of its own:
#
#  1. PutItem (new items of about 1 KB, dynamo.execute through pgbench,
#     CLIENTS clients) on a table with point-in-time recovery against the
#     same on a table without, ROUNDS interleaved slices of DURATION/ROUNDS
#     seconds per side: the median tps and latency of each side and their
#     ratio.  The capture worker decodes the WAL and stores the history
#     while the writers run, on the same cores: its cost is in the figure.
#  2. ITEMS items of 1 KB loaded into a table: the rate (items/s) of its
#     first base copy (enabling PITR), of CreateBackup, of
#     RestoreTableFromBackup, and of RestoreTableToPointInTime at the
#     latest time after UPDATED of the items changed (the base copy plus
#     the history); each from its job's start and end in dynamo.jobs.
#
#   test/bench/pitr.sh                          (ITEMS=1000000: about 15 minutes)
#   DURATION=8 ITEMS=100000 test/bench/pitr.sh  (quick)
set -euo pipefail
cd "$(dirname "$0")"
export CLIENTS=${CLIENTS:-4} DURATION=${DURATION:-24} ROUNDS=${ROUNDS:-4} ITEMS=${ITEMS:-1000000}
export UPDATED=${UPDATED:-$(( ITEMS / 10 ))}

pg_virtualenv -t -o "port=${DYNAMO_BENCH_PORT:-5498}" -o shared_preload_libraries=dynamo \
    -o wal_level=logical -o output_plugin_libraries=pgoutput,test_decoding,dynamo \
    -o dynamo.backup_poll_interval=100ms -o max_wal_size=4GB -- ./pitr_run.sh
