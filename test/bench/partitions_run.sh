#!/usr/bin/env bash
# partitions_run.sh: the body of partitions.sh, run inside its cluster.
set -euo pipefail
cd "$(dirname "$0")"
run() {
    pgbench -n -M prepared -c "$CLIENTS" -j "$CLIENTS" -T "$DURATION" -D collections=$((ITEMS / 100)) \
        -f "items/$1.sql" 2>&1 | awk '/^tps/ {print $3}'
}
printf "%10s %12s %12s %12s\n" partitions get_tps put_tps query_tps
for p in $COUNTS; do
    psql -X -q -c "SELECT dynamo.delete_table('Bench') IS NOT NULL" -c "DROP TABLE IF EXISTS plain" >/dev/null 2>&1 || true
    psql -X -q -v items="$ITEMS" -v partitions="$p" -f items/load.sql >/dev/null
    printf "%10s %12.0f %12.0f %12.0f\n" "$p" "$(run get_dynamo)" "$(run put_dynamo)" "$(run query_dynamo)"
done
