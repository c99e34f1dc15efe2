#!/usr/bin/env bash
# endpoint_run.sh: the body of endpoint.sh, inside its cluster.
set -euo pipefail
cd "$(dirname "$0")"
DYNAMO="http://127.0.0.1:$HTTP_PORT"
DYNALITE="http://127.0.0.1:$DYNALITE_PORT"

psql -X -q -d postgres -c "CREATE EXTENSION dynamo" >/dev/null
# crash recovery resets the statistics: their reset time tells whether a process died during the runs
stats_reset=$(psql -X -At -d postgres -c "SELECT stats_reset FROM pg_stat_bgwriter")
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNAMO/" && break; sleep 0.2; done
/usr/bin/python3 endpoint/load.py "$DYNAMO/" "$ITEMS"
node "$DYNALITE_DIR/node_modules/dynalite/cli.js" --port "$DYNALITE_PORT" >/dev/null 2>&1 &
dynalite=$!
trap 'kill $dynalite 2>/dev/null || true' EXIT
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNALITE/" && break; sleep 0.2; done
/usr/bin/python3 endpoint/load.py "$DYNALITE/" "$ITEMS"

# Both servers must hold the data: a GetItem of one loaded key returns it.
for url in "$DYNAMO" "$DYNALITE"; do
    curl -s -H 'Content-Type: application/x-amz-json-1.0' -H 'X-Amz-Target: DynamoDB_20120810.GetItem' \
        -H 'X-Amz-Date: 20260101T000000Z' \
        -H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0' \
        -d '{"TableName":"Bench","Key":{"pk":{"S":"k1"}}}' "$url/" | grep -q '"payload"' \
        || { echo "endpoint.sh: $url does not return the loaded item k1" >&2; exit 1; }
done
psql -X -q -At -d postgres -c "SHOW fsync" | grep -qx on || { echo "endpoint.sh: fsync is off" >&2; exit 1; }

wrk_run() {   # wrk_run URL SCRIPT CONNECTIONS: "rps p50 p99 errors"
    psql -X -q -d postgres -c CHECKPOINT
    ITEMS=$ITEMS wrk -t 2 -c "$3" -d "${DURATION}s" --latency -s "endpoint/$2.lua" "$1" 2>&1 | awk '
        /Requests\/sec/ {rps=$2}
        /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
        /Non-2xx/ {errors+=$NF} /Socket errors/ {errors+=1}
        END {printf "%s %s %s %d\n", rps, p50, p99, errors}'
}
sql_run() {   # sql_run SCRIPT CLIENTS: "tps"
    psql -X -q -d postgres -c CHECKPOINT
    pgbench -n -M prepared -c "$2" -j 2 -T "$DURATION" -D items="$ITEMS" -d postgres -f "endpoint/$1.sql" \
        2>&1 | awk '/^tps/ {print $3}'
}

printf "%-4s %6s %10s %10s %10s %10s %9s %9s %7s\n" op conns endpoint sql_door dynalite "vs sql" "vs dynal" "p99 ms" errors
for op in get put; do
    read -r rps p50 p99 errors <<< "$(wrk_run "$DYNAMO" "$op" 16)"
    sql=$(sql_run "${op}_sql" 16)
    read -r lrps lp50 lp99 lerrors <<< "$(wrk_run "$DYNALITE" "$op" 16)"
    printf "%-4s %6s %10.0f %10.0f %10.0f %10.2f %9.2f %9s %7s\n" "$op" 16 "$rps" "$sql" "$lrps" \
        "$(echo "$rps / $sql" | bc -l)" "$(echo "$rps / $lrps" | bc -l)" "$p99" "$errors"
done
kill "$dynalite" 2>/dev/null || true    # the runs below are the endpoint's alone
wait "$dynalite" 2>/dev/null || true

# dynalite on disk (LevelDB, --path), for reference: same data, same client
DISK_DIR=$(mktemp -d /tmp/dynalite-disk.XXXXXX)
node "$DYNALITE_DIR/node_modules/dynalite/cli.js" --port "$DYNALITE_PORT" --path "$DISK_DIR" >/dev/null 2>&1 &
dynalite=$!
for i in $(seq 1 50); do curl -s -o /dev/null "$DYNALITE/" && break; sleep 0.2; done
/usr/bin/python3 endpoint/load.py "$DYNALITE/" "$ITEMS"
read -r dget _ <<< "$(wrk_run "$DYNALITE" get 16)"
read -r dput _ <<< "$(wrk_run "$DYNALITE" put 16)"
kill "$dynalite" 2>/dev/null || true
wait "$dynalite" 2>/dev/null || true
rm -rf "$DISK_DIR"
printf "dynalite on disk (LevelDB), 16 connections: GetItem %.0f/s, PutItem %.0f/s\n" "$dget" "$dput"
for conns in 4 64; do
    for op in get put; do
        read -r rps p50 p99 errors <<< "$(wrk_run "$DYNAMO" "$op" "$conns")"
        printf "%-4s %6s %10.0f %10s %10s %10s %9s %9s %7s   (p50 %s)\n" "$op" "$conns" "$rps" - - - - "$p99" "$errors" "$p50"
    done
done
# what else ran meanwhile, for reading the tails: autovacuum of the table, checkpoints
psql -X -At -d postgres -c "SELECT 'autovacuum runs on the table: ' || sum(autovacuum_count) || ', checkpoints: ' ||
    (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)
    FROM pg_stat_user_tables WHERE schemaname = 'dynamo_data'"
if [ "$(psql -X -At -d postgres -c "SELECT stats_reset FROM pg_stat_bgwriter")" != "$stats_reset" ]; then
    echo "endpoint.sh: FAILED: a server process died during the runs (crash recovery reset the statistics)" >&2
    exit 1
fi
