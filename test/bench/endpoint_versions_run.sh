#!/usr/bin/env bash
# endpoint_versions_run.sh: the body of endpoint_versions.sh, inside its
# cluster.  Each turn installs one build and restarts the cluster, so the
# endpoint workers and every backend load that build.
set -euo pipefail
cd "$(dirname "$0")"
DYNAMO="http://127.0.0.1:$HTTP_PORT"

restart_with() {   # restart_with DIR: install the build in DIR, restart the cluster
    make -s -C "$1" install >/dev/null
    pg_ctlcluster 15 regress restart 9>&- \
        || { echo "endpoint_versions: cannot restart the cluster" >&2; exit 1; }
    for i in $(seq 1 100); do curl -s -o /dev/null "$DYNAMO/" && return 0; sleep 0.1; done
    echo "endpoint_versions: the endpoint did not come back" >&2; exit 1
}

wrk_run() {   # wrk_run SCRIPT CONNECTIONS: "rps p99 errors"
    psql -X -q -d postgres -c CHECKPOINT
    ITEMS=$ITEMS wrk -t 2 -c "$2" -d "${DURATION}s" --latency -s "endpoint/$1.lua" "$DYNAMO" 2>&1 | awk '
        /Requests\/sec/ {rps=$2}
        /^ +99%/ {p99=$2}
        /Non-2xx/ {errors+=$NF} /Socket errors/ {errors+=1}
        END {printf "%s %s %d\n", rps, p99, errors}'
}

psql -X -q -d postgres -c "CREATE EXTENSION dynamo" >/dev/null
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNAMO/" && break; sleep 0.2; done
/usr/bin/python3 endpoint/load.py "$DYNAMO/" "$ITEMS"

declare -A total
for round in $(seq 1 "$ROUNDS"); do
    for build in baseline current; do
        dir=$BASELINE_DIR; [ "$build" = current ] && dir=$CURRENT_DIR
        restart_with "$dir"
        for op in get put; do
            read -r rps p99 errors <<< "$(wrk_run "$op" 16)"
            [ "$errors" = 0 ] || { echo "endpoint_versions: $build $op had $errors errors" >&2; exit 1; }
            printf "round %d %-8s %-4s %10.0f req/s  p99 %s\n" "$round" "$build" "$op" "$rps" "$p99"
            total[$build.$op]=$(echo "${total[$build.$op]:-0} + $rps" | bc -l)
        done
    done
done
for op in get put; do
    printf "%-4s 16 connections: baseline %.0f req/s, current %.0f req/s, current / baseline %.3f\n" "$op" \
        "$(echo "${total[baseline.$op]} / $ROUNDS" | bc -l)" "$(echo "${total[current.$op]} / $ROUNDS" | bc -l)" \
        "$(echo "${total[current.$op]} / ${total[baseline.$op]}" | bc -l)"
done
