#!/usr/bin/env bash
# check_worker_crash.sh: a worker's postmaster and its children are killed (SIGKILL) while clients write through
# the coordinator's endpoint, then started again. The load of ops/load.py runs on a distributed table Crash:
# writers with version counters and acknowledged-write logs, TransactWriteItems of three items on different
# shards, readers. The writers see errors while the worker is down (their codes are reported per phase); after
# the restart Citus' recovery of two-phase commits (citus.recover_2pc_interval: off while the worker is down,
# so that its prepared transactions can be counted, then 5 s) finishes the prepared transactions it holds. Fails when an acknowledged write is missing or has an older value than
# its last acknowledgement, when a transaction is half-applied once recovery is done, when prepared transactions
# stay on the worker, or when the load does not write again after the restart. Reads that saw an older version
# than acknowledged while the worker was down or recovering are reported (a transaction is visible on the
# surviving shards before the killed worker's prepared part is committed). Needs the cluster of cluster.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
eval "$(test/citus/cluster.sh env)"
export CITUS_HTTP_PORT=${CITUS_HTTP_PORT:-5484} LOAD_TABLE=${LOAD_TABLE:-Crash} LOAD_FILL=${LOAD_FILL:-1000}
VICTIM=${CRASH_NODE:-worker1}
case $VICTIM in worker1) VICTIM_PORT=$((PGPORT + 1)) ;; worker2) VICTIM_PORT=$((PGPORT + 2)) ;;
                *) echo "CRASH_NODE: worker1 or worker2" >&2; exit 2 ;; esac
DATA=$PGHOST/$VICTIM
LOGDIR=$PGHOST/crash-load
PY=/usr/bin/python3
sql() { psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
fail() { echo "citus check_worker_crash: FAILED: $*"; exit 1; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }

recovery_interval() { sql -c "ALTER SYSTEM SET citus.recover_2pc_interval = '$1'" -c "SELECT pg_reload_conf()" >/dev/null; }
$PY test/citus/ops/load.py setup
$PY test/citus/ops/load.py fill "$LOAD_FILL"
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
echo before > "$LOGDIR/phase"
$PY test/citus/ops/load.py run "$LOGDIR" 2> "$LOGDIR/load.err" &
load=$!
trap 'touch "$LOGDIR/stop"; wait $load 2>/dev/null || true; recovery_interval 1min' EXIT
sleep "${LOAD_BEFORE:-6}"

# the coordinator's recovery of prepared transactions waits until the worker is back and they are counted
recovery_interval -1
# SIGKILL the postmaster and its children, at a moment the worker holds a prepared transaction (a
# TransactWriteItems between Citus' PREPARE and COMMIT PREPARED; CRASH_WHEN=now: at once)
echo down > "$LOGDIR/phase"
read -r prepared_at_kill children < <($PY test/citus/ops/kill_in_prepare.py "$DATA" "$VICTIM_PORT" \
                                          "$([ "${CRASH_WHEN:-prepared}" = now ] && echo 0 || echo 20)")
killed=$(now)
sleep "${CRASH_DOWN:-8}"

echo restart > "$LOGDIR/phase"
restart_start=$(now)
CITUS_PORT=$PGPORT test/citus/cluster.sh restart "$VICTIM"
restarted=$(since "$restart_start")
# the prepared transactions the crash left (the load goes on: its own come and go, so they are told
# apart by their gids)
crash_gids=$(sql -p "$VICTIM_PORT" -c "SELECT coalesce(string_agg(quote_literal(gid), ','), '''''') FROM pg_prepared_xacts")
prepared_at_restart=$(sql -p "$VICTIM_PORT" -c "SELECT count(*) FROM pg_prepared_xacts WHERE gid IN ($crash_gids)")
recovery_start=$(now)
recovery_interval 5s
for i in $(seq 1 120); do
    [ "$(sql -p "$VICTIM_PORT" -c "SELECT count(*) FROM pg_prepared_xacts WHERE gid IN ($crash_gids)")" = 0 ] && break
    sleep 0.5
done
prepared_left=$(sql -p "$VICTIM_PORT" -c "SELECT count(*) FROM pg_prepared_xacts WHERE gid IN ($crash_gids)")
recovered=$(since "$recovery_start")
echo recovered > "$LOGDIR/phase"
sleep "${LOAD_AFTER:-8}"
touch "$LOGDIR/stop"; wait $load
[ -s "$LOGDIR/load.err" ] && { cat "$LOGDIR/load.err"; fail "the load crashed"; }
# with the load stopped no transaction is in flight: no worker may keep a prepared transaction
for i in $(seq 1 30); do
    prepared_anywhere=0
    for port in $(sql -c "SELECT nodeport FROM pg_dist_node WHERE groupid <> 0"); do
        prepared_anywhere=$((prepared_anywhere + $(sql -p "$port" -c "SELECT count(*) FROM pg_prepared_xacts")))
    done
    [ "$prepared_anywhere" = 0 ] && break
    sleep 0.5
done
trap - EXIT
sql -c "ALTER SYSTEM RESET citus.recover_2pc_interval" -c "SELECT pg_reload_conf()" >/dev/null

echo "citus check_worker_crash: $VICTIM (port $VICTIM_PORT) killed with its children ($children processes;" \
     "$prepared_at_kill prepared transactions seen on it just before), down $(echo "$restart_start - $killed" | bc) s," \
     "restarted in $restarted s; $prepared_at_restart prepared transactions on it at restart (recovery off)," \
     "$prepared_left left $recovered s after recovery was turned on (citus.recover_2pc_interval = 5s)"
echo "citus check_worker_crash: error codes seen by the clients, first occurrence of each (TIME PHASE ROLE CODE KIND MESSAGE):"
awk '$2 != "VIOLATION" && !seen[$2 " " $3 " " $4]++ { print "  " substr($0, 1, 240) }' "$LOGDIR/failures.log"
$PY test/citus/ops/load.py report "$LOGDIR" recovered || status=$?
$PY test/citus/ops/load.py verify "$LOGDIR" || fail "an acknowledged write is missing or a transaction half-applied"
[ "$prepared_left" = 0 ] || fail "prepared transactions stay on $VICTIM"
[ "$prepared_anywhere" = 0 ] || fail "prepared transactions stay on a worker ($prepared_anywhere)"
$PY - "$LOGDIR" <<'PY' || fail "no write was acknowledged after the worker came back"
import json, sys
counts = json.load(open(sys.argv[1] + "/summary.json"))["counts"].get("recovered", {})
sys.exit(0 if counts.get("writes acked", 0) > 0 and counts.get("transactions acked", 0) > 0 else 1)
PY
[ "${status:-0}" -eq 0 ] || fail "a request failed after recovery, or a read saw an older version than acknowledged"
echo "citus check_worker_crash: every acknowledged write present with its last value, no transaction half-applied"
