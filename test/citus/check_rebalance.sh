#!/usr/bin/env bash
# check_rebalance.sh: a third worker joins and Citus moves shards to it while clients write and read through the
# coordinator's endpoint. A distributed table Ops (no index) gets LOAD_FILL items of 1 KB, then the load of
# ops/load.py runs (writers with version counters and acknowledged-write logs, transactions across shards,
# readers checking that they see at least the last acknowledged version); meanwhile citus_add_node joins the spare
# worker (cluster.sh spare) and citus_rebalance_start() + citus_rebalance_wait() move shards to it. Fails when an
# acknowledged write is missing afterwards, a read saw an older version than acknowledged, a read or write failed
# during the move with an error a client would not retry, or the shards are not spread over the three workers.
# Retryable failures (and the failures of the same load before the move, its baseline) are reported.
# Needs the cluster of cluster.sh (started by run.sh); leaves the spare worker joined.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/citus/cluster.sh env)"
export CITUS_HTTP_PORT=${CITUS_HTTP_PORT:-5484} LOAD_TABLE=${LOAD_TABLE:-Ops} LOAD_FILL=${LOAD_FILL:-5000}
HTTP_PORT=$CITUS_HTTP_PORT
SPARE_PORT=$((HTTP_PORT + 3))
LOGDIR=$PGHOST/rebalance-load
PY=/usr/bin/python3
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "citus check_rebalance: FAILED: $*"; exit 1; }

test/citus/cluster.sh spare >/dev/null
$PY test/citus/ops/load.py setup
$PY test/citus/ops/load.py fill "$LOAD_FILL"
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
echo before > "$LOGDIR/phase"
$PY test/citus/ops/load.py run "$LOGDIR" 2> "$LOGDIR/load.err" &
load=$!
trap 'touch "$LOGDIR/stop"; wait $load 2>/dev/null || true' EXIT
sleep "${LOAD_BEFORE:-8}"

echo move > "$LOGDIR/phase"
move_start=$(date +%s.%N)
sql -c "SELECT citus_add_node('localhost', $SPARE_PORT)" >/dev/null
sql -c "SELECT dynamo.sync_workers()" >/dev/null   # the new worker's catalog rows of the distributed tables
joined=$(date +%s.%N)
sql -c "SELECT citus_rebalance_start(shard_transfer_mode => '${SHARD_TRANSFER_MODE:-auto}')" > "$LOGDIR/rebalance.out" 2>&1
sql -c "SELECT citus_rebalance_wait()" >> "$LOGDIR/rebalance.out" 2>&1
move_end=$(date +%s.%N)
echo after > "$LOGDIR/phase"
sleep "${LOAD_AFTER:-5}"
touch "$LOGDIR/stop"; wait $load; trap - EXIT
[ -s "$LOGDIR/load.err" ] && { cat "$LOGDIR/load.err"; fail "the load crashed"; }

on_table="table_name::text LIKE '%\"$LOAD_TABLE%'"
moves=$(sql -c "SELECT count(*) FROM pg_dist_background_task WHERE status = 'done'")
failed_tasks=$(sql -c "SELECT count(*) FROM pg_dist_background_task WHERE status <> 'done'")
spread=$(sql -c "SELECT string_agg(nodeport || ': ' || n, ', ' ORDER BY nodeport)
                 FROM (SELECT nodeport, count(*) n FROM citus_shards WHERE $on_table GROUP BY nodeport) s")
echo "citus check_rebalance: join $(echo "$joined - $move_start" | bc) s, rebalance $(echo "$move_end - $joined" | bc) s" \
     "($moves shard-group moves done, $failed_tasks not done, shard_transfer_mode ${SHARD_TRANSFER_MODE:-auto});" \
     "shards of $LOAD_TABLE per worker (port: count): $spread"
# the moved shards are dynamo tables on the new worker, and the moves left no replication slot behind
am=$(sql -p "$SPARE_PORT" -c "SET citus.override_table_visibility = off" \
         -c "SELECT string_agg(DISTINCT amname, ',') FROM pg_class JOIN pg_am ON pg_am.oid = relam
             WHERE relname LIKE '$LOAD_TABLE#%' AND relkind = 'r'")
slots=""
for port in $((PGPORT + 1)) $((PGPORT + 2)) "$SPARE_PORT"; do
    slots+=$(sql -p "$port" -c "SELECT string_agg(slot_name || '(' || plugin || ')', ' ') FROM pg_replication_slots")
done
echo "citus check_rebalance: access method of the shards on the new worker: ${am:-none}; replication slots left: ${slots:-none}"
$PY test/citus/ops/load.py report "$LOGDIR" move || status=$?
$PY test/citus/ops/load.py verify "$LOGDIR" || fail "an acknowledged write is missing or half-applied"
[ "${status:-0}" -eq 0 ] || fail "a read or write failed during the move, or saw an older version than acknowledged"
[ "$failed_tasks" -eq 0 ] || fail "a rebalance task did not finish"
[ "$am" = dynamo ] || fail "the shards on the new worker are not dynamo tables"
[ -z "$slots" ] || fail "replication slots were left behind"
[ "$(sql -c "SELECT count(DISTINCT nodeport) FROM citus_shards WHERE $on_table")" = 3 ] ||
    fail "the shards are not spread over the three workers"
echo "citus check_rebalance: no acknowledged write lost, no read failed or stale during the move"
